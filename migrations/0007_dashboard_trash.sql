-- Deleting a dashboard moves it to the trash ("Recently deleted", as in Grafana): the row stays with
-- its versions, tags and annotations, hidden from lists, search and get by uid, until an Admin
-- restores it or [dashboards] trash_retention passes and it is purged (versions with it).

ALTER TABLE dashboards ADD COLUMN deleted_at INTEGER;   -- ms; NULL while not deleted
ALTER TABLE dashboards ADD COLUMN deleted_by TEXT;
CREATE INDEX dashboards_deleted ON dashboards (deleted_at) WHERE deleted_at IS NOT NULL;
