import { opt } from "../options.js";

export const dashboardsSection = {
  path: opt.string("", "folder of dashboard JSON files provisioned at start (empty: none)"),
  versions_to_keep: opt.int(20, "dashboard versions kept in history", { min: 1 }),
  trash_retention: opt.duration("30d", "how long a deleted dashboard stays in \"Recently deleted\" (with its versions) for an Admin to restore; then it is deleted for good", { min: 60_000 }),
  default_home: opt.string("host-overview", "uid of the dashboard shown after login; empty shows the list"),
  snapshot_max_size: opt.size("10MB", "largest snapshot (dashboard plus the data it shows) accepted by POST /api/snapshots"),
} as const;
