/**
 * A small, safe Markdown renderer for text panels: builds DOM nodes (never innerHTML), so any HTML in
 * the source shows as text. Headings, paragraphs, lists, code blocks, inline code, bold, italic,
 * and links with http(s)/relative targets only.
 */
import { h } from "./dom.js";

function inline(text: string): Node[] {
  const out: Node[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    const s = m[0];
    if (m[1]) out.push(h("code", {}, s.slice(1, -1)));
    else if (m[2]) out.push(h("strong", {}, ...inline(s.slice(2, -2))));
    else if (m[3]) out.push(h("em", {}, ...inline(s.slice(1, -1))));
    else {
      const lm = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(s)!;
      const href = lm[2]!;
      if (/^(https?:\/\/|\/|#)/i.test(href)) out.push(h("a", { href, rel: "noopener noreferrer" }, ...inline(lm[1]!)));
      else out.push(document.createTextNode(s));
    }
    last = m.index + s.length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

export function renderMarkdown(src: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const lines = src.replace(/\r\n/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    if (line.startsWith("```")) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.startsWith("```")) code.push(lines[i++]!);
      i++;
      frag.append(h("pre", {}, h("code", {}, code.join("\n"))));
      continue;
    }
    const hm = /^(#{1,6})\s+([^]*)$/.exec(line);
    if (hm) {
      const tag = `h${Math.min(6, hm[1]!.length + 2)}` as "h3";
      frag.append(h(tag, {}, ...inline(hm[2]!)));
      i++;
      continue;
    }
    if (/^\s*([-*+]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = h(ordered ? "ol" : "ul");
      while (i < lines.length && /^\s*([-*+]|\d+\.)\s+/.test(lines[i]!)) {
        list.append(h("li", {}, ...inline(lines[i]!.replace(/^\s*([-*+]|\d+\.)\s+/, ""))));
        i++;
      }
      frag.append(list);
      continue;
    }
    // a paragraph always takes its first line, so no input can stall the loop
    const para: string[] = [lines[i++]!];
    while (i < lines.length && lines[i]!.trim() !== "" && !/^(#{1,6}\s|```|\s*([-*+]|\d+\.)\s)/.test(lines[i]!)) para.push(lines[i++]!);
    frag.append(h("p", {}, ...inline(para.join(" "))));
  }
  return frag;
}
