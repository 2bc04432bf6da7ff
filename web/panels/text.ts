/** Text panel: the panel's Markdown, rendered safely (no raw HTML). */
import { h, clear } from "../lib/dom.js";
import { renderMarkdown } from "../lib/markdown.js";
import type { PanelHost, PanelView } from "./types.js";

export function textPanel(host: PanelHost): PanelView {
  const wrap = h("div", { class: "markdown" });
  host.body.append(wrap);
  return {
    update() {
      clear(wrap);
      wrap.append(renderMarkdown(host.panel.content ?? ""));
      return { series: [], points: 0, firstTime: null, lastTime: null, annotations: 0 };
    },
    resize() {},
    destroy() {},
  };
}
