# mcpnode.sh: node and the test-only npm packages of tests/mcp (real MCP
# SDKs, oidc-provider).  Source after tap.sh and harness.sh; call
# mcp_node_ready, which reports two TAP tests and installs the packages
# from tests/mcp/package-lock.json (npm ci) when node_modules does not
# hold exactly the locked versions.  Missing node or npm is a failure,
# not a skip.
MCPDIR=$top/tests/mcp

# mcp_node_versions DIR: "name@version" of every direct dependency of
# tests/mcp, as the lock file pins them (DIR = tests/mcp) or as installed
# (DIR = tests/mcp/node_modules/..), one a line; nothing if unreadable.
mcp_node_versions() {
	node -e '
const fs = require("fs"), [dir, installed] = process.argv.slice(1);
try {
	const lock = JSON.parse(fs.readFileSync(dir + "/package-lock.json"));
	for (const n of Object.keys(lock.packages[""].dependencies).sort()) {
		const v = installed === "1" ?
		    JSON.parse(fs.readFileSync(`${dir}/node_modules/${n}/package.json`)).version :
		    lock.packages["node_modules/" + n].version;
		console.log(`${n}@${v}`);
	}
} catch { }' "$MCPDIR" "$1"
}

# mcp_node_ready: 0 when node 20+ and the locked packages are installed.
mcp_node_ready() {
	node_ok=1
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
		node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' &&
		node_ok=0
	ok $node_ok "node 20 or later and npm are installed"
	[ $node_ok -eq 0 ] || return 1
	want=$(mcp_node_versions 0)
	if [ -z "$want" ] || [ "$(mcp_node_versions 1)" != "$want" ]; then
		npm ci --prefix "$MCPDIR" --no-audit --no-fund > "$T/npm.log" 2>&1 ||
			head -n 20 "$T/npm.log" | sed 's/^/# /'
	fi
	have=$(mcp_node_versions 1)
	is "$(echo $have)" "$(echo $want)" "tests/mcp packages installed as locked"
	[ -n "$want" ] && [ "$have" = "$want" ]
}

# fact NAME: what a client script (tests/mcp/*.mjs) printed as
# "NAME<TAB>VALUE" into $T/facts.
fact() {
	awk -v k="$1" 'index($0, k "\t") == 1 { print substr($0, length(k) + 2); exit }' "$T/facts"
}
