/** The dashboard page's keyboard shortcuts (Grafana's): shift+←/→ move the range, ctrl/⌘+z zooms out, r reloads, Esc leaves a panel's full view. */
export interface DashboardKeys {
  shift(dir: -1 | 1): void;
  zoomOut(): void;
  reload(): void;
  /** Leaves ?viewPanel; false when no panel is viewed (the key is then not taken). */
  leaveView(): boolean;
}

export function bindDashboardKeys(keys: DashboardKeys): void {
  document.addEventListener("keydown", (e) => {
    if ((e.target as HTMLElement).closest("input, textarea, select, [contenteditable]")) return;
    if (e.shiftKey && e.key === "ArrowLeft") keys.shift(-1);
    else if (e.shiftKey && e.key === "ArrowRight") keys.shift(1);
    else if ((e.ctrlKey || e.metaKey) && e.key === "z") keys.zoomOut();
    else if (!e.ctrlKey && !e.metaKey && !e.altKey && e.key === "r") keys.reload();
    else if (!(e.key === "Escape" && keys.leaveView())) return;
    e.preventDefault();
  });
}
