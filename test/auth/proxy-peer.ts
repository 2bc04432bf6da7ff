/** [auth.proxy] settings shared by the proxy and route-table tests. */
export const PROXY_HEADERS = "Email:X-User-Email Name:X-User-Name Role:X-User-Role Groups:X-User-Groups";

export function proxyIni(whitelist = "127.0.0.1, ::1", extra = ""): string {
  return ["[auth.proxy]", "enabled = true", `whitelist = ${whitelist}`, `headers = ${PROXY_HEADERS}`, "admin_groups = ops-admins", "editor_groups = ops", extra].join("\n");
}

