/** GET /explore — type a metric path, glob or function, or browse the /metrics/find tree; see the chart. */
import { Router } from "express";
import { access } from "../../access.js";
import { html, jsonScript } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";
import { queryList, queryString } from "../../views/time-range.js";

export function explorePages(): Router {
  const router = Router();
  router.get("/explore", access("viewer"), (req, res) => {
    const targets = queryList(req.query["target"]).filter((t) => t.trim() !== "");
    const data = {
      targets: targets.length > 0 ? targets : [""],
      range: { from: queryString(req.query["from"]) ?? "now-1h", to: queryString(req.query["to"]) ?? "now" },
      refresh: queryString(req.query["refresh"]) ?? "",
    };
    const body = html`
<div class="explore">
  <div class="card tree" id="metric-tree"><h4>Metrics</h4></div>
  <div class="explore-main">
    <form class="explore-query" id="explore-form" autocomplete="off">
      <input type="text" id="explore-target" name="target" value="${data.targets[0]}" placeholder="servers.*.cpu.total.user, sumSeries(…), aliasByNode(…, 1)" spellcheck="false">
      <select id="explore-draw" title="Draw style"><option value="lines">Lines</option><option value="area">Area</option><option value="stacked">Stacked</option><option value="bars">Bars</option></select>
      <button type="submit" class="btn primary">Run</button>
    </form>
    <div class="explore-chart" id="explore-chart"></div>
  </div>
</div>
${jsonScript("loupe-page", data)}`;
    sendPage(req, res, { title: "Explore", body, nav: "explore", scripts: ["explore.js"], wide: true, toolbar: html`<div id="dash-toolbar"></div>` });
  });
  return router;
}
