/** Table panel: one row per series with last/min/max/avg (or the legend calcs chosen). */
import { h, clear } from "../lib/dom.js";
import { formatValue, type Unit } from "../lib/units.js";
import { drawnInfo, emptyMessage, flatten, reduce, thresholdColor, type PanelData, type PanelHost, type PanelView } from "./types.js";

export function tablePanel(host: PanelHost): PanelView {
  const opts = host.panel.options;
  const wrap = h("div", { class: "table-wrap" });
  host.body.append(wrap);
  return {
    update(data: PanelData) {
      clear(wrap);
      const flat = flatten(data.results);
      const calcs = opts.legend.length > 0 ? opts.legend : (["last", "min", "max", "avg"] as const);
      const body = h("tbody");
      for (const s of flat.series) {
        body.append(
          h(
            "tr",
            { "data-series": s.name },
            h("td", { class: "name" }, s.name),
            ...calcs.map((c) => {
              const v = reduce(s.values, c);
              const td = h("td", { class: "num" }, formatValue(v, opts.unit as Unit, opts.decimals));
              if (opts.thresholds.length > 0 && c === "last") td.style.color = thresholdColor(v, opts.thresholds, "");
              return td;
            }),
          ),
        );
      }
      wrap.append(h("table", { class: "data" }, h("thead", {}, h("tr", {}, h("th", {}, "Series"), ...calcs.map((c) => h("th", { class: "num" }, c)))), body));
      if (flat.series.length === 0) wrap.append(emptyMessage(data.results));
      return drawnInfo(flat.timestamps, flat.series, 0);
    },
    resize() {},
    destroy() {},
  };
}
