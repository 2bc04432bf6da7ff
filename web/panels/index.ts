import type { PanelHost, PanelView } from "./types.js";
import { timeseriesPanel } from "./timeseries.js";
import { statPanel } from "./stat.js";
import { gaugePanel } from "./gauge.js";
import { tablePanel } from "./table.js";
import { textPanel } from "./text.js";

export function createPanelView(host: PanelHost): PanelView {
  switch (host.panel.type) {
    case "stat":
      return statPanel(host);
    case "gauge":
      return gaugePanel(host);
    case "table":
      return tablePanel(host);
    case "text":
      return textPanel(host);
    default:
      return timeseriesPanel(host);
  }
}

export type { PanelHost, PanelView, PanelData, DrawnInfo } from "./types.js";
