#!/usr/bin/env bash
# The DrPortal lab: emulated Proxmox VE hosts and real libvirt/KVM hosts on this machine
# (see lab/README.md).
#
# Each host is a network namespace behind a veth on the bridge drlab0
# (10.250.0.1/24 on the portal's side) plus its own mount and UTS namespaces:
# its own /etc (overlay), /var (overlay), /root, /tmp and /run, a host name equal to
# the node name, and its own sshd listening on its lab address only.
# Proxmox hosts (pve-*) get /var/lib/vz and the Proxmox CLI emulator in /usr/sbin;
# libvirt hosts (kvm-*) get their own real libvirtd (QEMU driver), private
# /etc/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt, /run/libvirt,
# and a bridge br0 inside their network namespace for the domains' NICs.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${LAB_STATE_DIR:-$LAB_DIR/.state}"
EMU_DIR="${PVE_EMULATOR_DIR:-$LAB_DIR/emulator/bin}"
PY=/usr/bin/python3
BRIDGE=drlab0
NET=10.250.0
BRIDGE_ADDR="$NET.1"
DEFAULT_HOSTS="${LAB_HOSTS:-pve-dc1,pve-dc2,pve-dr1,kvm-dc1,kvm-dr1}"
# The bridges inside each libvirt host's network namespace: br0, the "production" network the
# domains' NICs join, with a dummy port standing in for the host's uplink; br-drill, isolated (no
# port but the domains' own), the network a DR drill's copies join.
KVM_BRIDGE=br0
KVM_UPLINK=uplink0
KVM_DRILL_BRIDGE=br-drill
LIBVIRT_COMMANDS=(libvirtd virsh qemu-img qemu-io qemu-system-x86_64)
EMU_COMMANDS=(vzdump qmrestore qm pvesh pveversion)
ROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Inside a host the lab's own files are reachable here, whatever covers their real paths.
IN_HOST=/run/drlab

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: %s\n' "$1" >&2; exit "${2:-1}"; }

usage() {
  cat <<'EOF'
usage: lab.sh <command> [args]
  up [--hosts NAME[=ADDR],...]      start the hosts (default pve-dc1,pve-dc2,pve-dr1,kvm-dc1,kvm-dr1);
                                    harmless when up. kvm-* hosts run libvirt, the others emulate Proxmox
  plan [--hosts NAME[=ADDR],...]    print '<name> <address> <site> <kind>' per host 'up' would start; changes nothing
  down                              remove every namespace, link, process, mount and file of the lab
  status [--json]                   hosts, addresses, site, sshd, host keys, link state
  authorize <public-key-file>       add a key to root's authorized_keys on every host
  password <host> <password>|--stdin|--off
                                    allow/forbid root password login on one host
  vm create <pve-host> <vmid> [--name N] [--size 256M] [--fill 0.5] [--disks 1] [--memory 512] [--running]
  vm create <kvm-host> <name> [--size 256M] [--fill 0.5] [--disks 1] [--memory 32] [--running]
                          [--boot [--agent] [--halt-after N]]   a guest that boots (lab/guest), see README
  vm serial <kvm-host> <name>       the serial console log of a --boot domain
  vm change <host> <vmid|name> --percent P
  vm guest <pve-host> <vmid> [--agent|--no-agent] [--boot S] [--halt-after S] [--acpi 0|1] [--clear]
                                    what the stopped VM's guest does (a marker in its first disk)
  vm checksum <host> <vmid|name>    '<drive> <sha256>' per disk (guest-visible content)
  vm list <host>
  vm destroy <host> <vmid|name>
  shape <host> --rate 42mbit [--delay 5ms] | --off
  cut <host> | heal <host>          take the host's link down / up
  fill <host> --free 10M | --off    leave only that much space in the host's dump directory
                                    (kvm hosts: /var/lib/libvirt/drportal)
  exec <host> [-- command...]       run a command (default: a shell) inside the host
EOF
}

need_root() {
  [ "$(id -u)" -eq 0 ] || die "the lab needs root (network, mount and UTS namespaces); run it as root"
}

# ------------------------------------------------------------------ state

host_dir() { printf '%s/hosts/%s' "$STATE" "$1"; }
netns_of() { printf 'drlab-%s' "$1"; }
# A host's kind follows from its name: kvm-* hosts run libvirt, every other host emulates Proxmox.
kind_of() { case "$1" in kvm-*) echo libvirt ;; *) echo proxmox ;; esac; }
veth_of() { printf 'drlab-v%s' "${1##*.}"; }

known_hosts() {
  local d
  [ -d "$STATE/hosts" ] || return 0
  for d in "$STATE"/hosts/*/host.env; do
    [ -f "$d" ] && basename "$(dirname "$d")"
  done
  return 0
}

load_host() {
  local env; env="$(host_dir "$1")/host.env"
  [ -f "$env" ] || die "unknown lab host '$1' (hosts: $(known_hosts | tr '\n' ' '))"
  KIND=""
  # shellcheck disable=SC1090
  . "$env"
  [ -n "$KIND" ] || KIND="$(kind_of "$1")"
}

is_mounted() { awk -v p="$1" '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo; }

ns_alive() {
  local name="$1"
  is_mounted "$STATE/ns/$name.mnt" && is_mounted "$STATE/ns/$name.uts" && [ -e "/run/netns/$(netns_of "$name")" ]
}

# Runs a command inside a host as an SSH session would: root, /root, a clean environment.
in_host() {
  local name="$1"; shift
  ns_alive "$name" || die "lab host '$name' is not running (try: lab.sh up)"
  nsenter --net="/run/netns/$(netns_of "$name")" --mount="$STATE/ns/$name.mnt" --uts="$STATE/ns/$name.uts" -- \
    env -i -C /root PATH="$ROOT_PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 \
    ${TERM:+TERM="$TERM"} "$@"
}

in_netns() {
  local name="$1"; shift
  nsenter --net="/run/netns/$(netns_of "$name")" -- "$@"
}

sshd_pid() {
  local pidf pid
  pidf="$(host_dir "$1")/ssh/sshd.pid"
  [ -s "$pidf" ] || return 1
  pid="$(cat "$pidf")"
  [ -d "/proc/$pid" ] && grep -q sshd "/proc/$pid/comm" 2>/dev/null || return 1
  printf '%s' "$pid"
}

sshd_listening() {
  local name="$1" addr="$2"
  ss -N "$(netns_of "$name")" -Hltn 2>/dev/null | awk -v a="$addr:22" '$4 == a { found = 1 } END { exit !found }'
}

# ------------------------------------------------------------------ hosts and addresses

# Fills HOST_NAMES/HOST_ADDRS from "NAME[=ADDR],...": pve-dcN -> .1N (primary), pve-drN -> .2N
# (recovery), kvm-dcN -> .(15+N) and kvm-drN -> .(25+N) for N 1..4 (above pve-dc1..4 / pve-dr1..4);
# other names get the next free address of their site (names with 'dr' -> recovery).
plan_hosts() {
  local spec="$1" item name addr n i used=" " pending=()
  HOST_NAMES=(); HOST_ADDRS=()
  local existing
  for existing in $(known_hosts); do
    used+="$(load_host "$existing"; printf '%s' "$ADDR") "
  done
  IFS=',' read -r -a items <<<"$spec"
  [ "${#items[@]}" -gt 0 ] || die "--hosts needs at least one host name"
  for item in "${items[@]}"; do
    name="${item%%=*}"; addr=""
    [ "$item" != "$name" ] && addr="${item#*=}"
    [[ "$name" =~ ^[a-z][a-z0-9-]{0,30}[a-z0-9]$ ]] || die "invalid host name '$name' (a node name: lowercase letters, digits, '-')"
    if [ -f "$(host_dir "$name")/host.env" ]; then
      local have; have="$(load_host "$name"; printf '%s' "$ADDR")"
      [ -z "$addr" ] || [ "$addr" = "$have" ] || die "host '$name' is already up with address $have"
      addr="$have"
    elif [ -z "$addr" ]; then
      if [[ "$name" =~ ^pve-dc([1-9])$ ]]; then addr="$NET.1${BASH_REMATCH[1]}"
      elif [[ "$name" =~ ^pve-dr([1-9])$ ]]; then addr="$NET.2${BASH_REMATCH[1]}"
      elif [[ "$name" =~ ^kvm-dc([1-4])$ ]]; then addr="$NET.$((15 + BASH_REMATCH[1]))"
      elif [[ "$name" =~ ^kvm-dr([1-4])$ ]]; then addr="$NET.$((25 + BASH_REMATCH[1]))"
      fi
    fi
    if [ -n "$addr" ]; then
      [[ "$addr" =~ ^10\.250\.0\.(1[1-9]|2[1-9])$ ]] || die "address '$addr' of '$name' is not a lab host address (10.250.0.11-19 primary, .21-29 recovery)"
      HOST_NAMES+=("$name"); HOST_ADDRS+=("$addr")
    else
      pending+=("$name")
    fi
  done
  for i in "${!HOST_ADDRS[@]}"; do
    case "$used" in *" ${HOST_ADDRS[$i]} "*)
      if ! [ -f "$(host_dir "${HOST_NAMES[$i]}")/host.env" ]; then die "address ${HOST_ADDRS[$i]} is already taken"; fi ;;
    esac
    used+="${HOST_ADDRS[$i]} "
  done
  for name in "${pending[@]}"; do
    local first=11
    [[ "$name" == *dr* ]] && first=21
    addr=""
    for n in $(seq "$first" $((first + 8))); do
      case "$used" in *" $NET.$n "*) ;; *) addr="$NET.$n"; break ;; esac
    done
    [ -n "$addr" ] || die "no free lab address left for '$name'"
    used+="$addr "
    HOST_NAMES+=("$name"); HOST_ADDRS+=("$addr")
  done
  local seen=" "
  for name in "${HOST_NAMES[@]}"; do
    case "$seen" in *" $name "*) die "host '$name' is listed twice" ;; esac
    seen+="$name "
  done
}

site_of() { case "${1##*.}" in 1?) echo primary ;; *) echo recovery ;; esac; }

# 'plan': what 'up' would start, one '<name> <address> <site> <kind>' line per host; changes nothing.
cmd_plan() {
  local spec="$DEFAULT_HOSTS"
  while [ $# -gt 0 ]; do
    case "$1" in
      --hosts) [ $# -ge 2 ] || die "--hosts needs a value"; spec="$2"; shift 2 ;;
      --hosts=*) spec="${1#--hosts=}"; shift ;;
      *) die "unknown option for plan: $1" ;;
    esac
  done
  plan_hosts "$spec"
  local i
  for i in "${!HOST_NAMES[@]}"; do
    printf '%s %s %s %s\n' "${HOST_NAMES[$i]}" "${HOST_ADDRS[$i]}" "$(site_of "${HOST_ADDRS[$i]}")" "$(kind_of "${HOST_NAMES[$i]}")"
  done
}

# ------------------------------------------------------------------ up

check_tools() {
  local missing=() t
  for t in ip ss nsenter unshare mount umount losetup mkfs.ext4 ssh-keygen openssl rsync zstd lzop gzip; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ -x /usr/sbin/sshd ] || missing+=(sshd)
  [ -x "$PY" ] || missing+=("$PY")
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (Debian: iproute2 util-linux mount e2fsprogs openssh-server openssl rsync zstd lzop gzip python3)"
  local c
  for c in "${EMU_COMMANDS[@]}"; do
    [ -x "$EMU_DIR/$c" ] || die "emulator command '$c' not found in $EMU_DIR (PVE_EMULATOR_DIR)"
  done
  case "$STATE" in
    *[[:space:]]*) die "the state directory must not contain white space: $STATE" ;;
    /etc|/etc/*|/var|/var/*|/run|/run/*|/usr/sbin|/usr/sbin/*)
      die "the state directory cannot live under /etc, /var, /run or /usr/sbin (the hosts overlay them): $STATE" ;;
  esac
}

# What a libvirt host needs from the machine: the daemon with its QEMU driver, the clients, QEMU.
check_libvirt_tools() {
  local missing=() t
  for t in "${LIBVIRT_COMMANDS[@]}"; do
    command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || missing+=("$t")
  done
  compgen -G '/usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so' >/dev/null || missing+=("libvirtd's QEMU driver")
  [ ${#missing[@]} -eq 0 ] || die "missing for the libvirt hosts: ${missing[*]} (Debian: libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils; not libvirt-daemon-system)"
  # libvirtd's QEMU driver looks up user and group libvirt-qemu at start even when qemu.conf says root.
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd --system --no-create-home -g libvirt-qemu --shell /usr/sbin/nologin libvirt-qemu
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    if ip -4 route show "$NET.0/24" | grep -q . ; then
      die "$NET.0/24 is already routed on this machine; the lab will not take it over"
    fi
    ip link add "$BRIDGE" type bridge
    echo 1 >"/proc/sys/net/ipv6/conf/$BRIDGE/disable_ipv6" 2>/dev/null || true
  fi
  ip -4 addr show dev "$BRIDGE" | grep -q "inet $BRIDGE_ADDR/24" || ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# A private bind mount, so that mount namespaces can be kept alive by files in it.
ensure_ns_dir() {
  mkdir -p "$STATE/ns"
  is_mounted "$STATE/ns" || mount --bind "$STATE/ns" "$STATE/ns"
  mount --make-private "$STATE/ns"
}

# Symlinks the hosts see in /usr/sbin (an overlay over the real one).  Hosts that are up use
# this directory as an overlay layer: it is updated in place, never recreated.
ensure_emubin() {
  local parent base c
  parent="$(cd "$EMU_DIR/.." && pwd)"; base="$(basename "$EMU_DIR")"
  if [ -f "$STATE/emulator.parent" ] && [ "$(cat "$STATE/emulator.parent")" != "$parent" ] && [ -n "$(known_hosts)" ]; then
    die "the lab is up with the emulator of $(cat "$STATE/emulator.parent"); take it down to switch (PVE_EMULATOR_DIR)"
  fi
  mkdir -p "$STATE/emubin"
  for c in "${EMU_COMMANDS[@]}"; do
    ln -sfn "$IN_HOST/emulator/$base/$c" "$STATE/emubin/$c"
  done
  printf '%s\n' "$parent" >"$STATE/emulator.parent"
}

write_sshd_config() {
  local name="$1" hd; hd="$(host_dir "$name")"
  load_host "$name"
  local root_login=prohibit-password password=no
  if [ -f "$hd/password.on" ]; then root_login=yes; password=yes; fi
  cat >"$hd/ssh/sshd_config" <<EOF
# sshd of lab host $name, written by lab/lab.sh (rewritten by 'up' and 'password').
# Paths are as the host sees them: $IN_HOST/host is this host's state directory.
ListenAddress $ADDR:22
HostKey $IN_HOST/host/ssh/ssh_host_ed25519_key
PidFile $IN_HOST/host/ssh/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin $root_login
PubkeyAuthentication yes
PasswordAuthentication $password
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
MaxStartups 100:30:200
MaxSessions 50
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# The host's own view of the machine, set up once in its new mount and UTS namespaces.
HOST_SETUP='
set -euo pipefail
name=$1 addr=$2 hd=$3 state=$4 lab=$5 emuparent=$6 in=$7 kind=$8
hostname "$name"
# Copies of other namespaces files would keep those namespaces alive: drop them here.
awk -v s="$state/ns" '\''$5 ~ "^/run/netns(/|$)" || index($5, s) == 1 { print $5 }'\'' /proc/self/mountinfo \
  | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
# First the lab'"'"'s own files under /run/drlab, while their real paths are still visible
# (they may live under /root or /tmp, which this host is about to get its own of).
mount -t tmpfs -o mode=0755,size=64m drlab-run /run
mkdir -p /run/sshd "$in/host" "$in/lab" "$in/emulator"
chmod 0755 /run/sshd
mount --bind "$hd" "$in/host"
mount --bind "$lab" "$in/lab" && mount -o remount,bind,ro "$in/lab"
mount --bind "$emuparent" "$in/emulator" && mount -o remount,bind,ro "$in/emulator"
# The emulator commands over /usr/sbin, before /tmp and /root are replaced: the state
# directory may live under either (a clone in /root or /tmp).
[ "$kind" = libvirt ] || mount -t overlay drlab-sbin -o "lowerdir=$state/emubin:/usr/sbin" /usr/sbin
mount -t overlay drlab-etc -o "lowerdir=/etc,upperdir=$hd/etc.upper,workdir=$hd/etc.work" /etc
mount -t overlay drlab-var -o "lowerdir=/var,upperdir=$hd/var.upper,workdir=$hd/var.work" /var
mkdir -p /var/tmp
mount --bind "$in/host/tmp" /tmp
mount --bind "$in/host/root" /root
printf "%s\n" "$name" >/etc/hostname
printf "127.0.0.1\tlocalhost\n%s\t%s.drlab %s\n" "$addr" "$name" "$name" >/etc/hosts
if [ "$kind" = libvirt ]; then
  # libvirtd and QEMU keep everything in these; /run/libvirt stays on the host'"'"'s /run tmpfs,
  # so its pid files and sockets never outlive the host.
  mkdir -p /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/libvirt
  mount --bind "$in/host/libvirt/etc" /etc/libvirt
  mount --bind "$in/host/libvirt/lib" /var/lib/libvirt
  mount --bind "$in/host/libvirt/log" /var/log/libvirt
  mount --bind "$in/host/libvirt/cache" /var/cache/libvirt
else
  mkdir -p /run/lock/qemu-server /run/qemu-server
  mkdir -p /var/lib/vz /var/log/vzdump
  mount --bind "$in/host/vz" /var/lib/vz
  mkdir -p "/etc/pve/nodes/$name/qemu-server" /etc/pve/firewall /etc/pve/priv
  ln -sfn "nodes/$name/qemu-server" /etc/pve/qemu-server
  ln -sfn "nodes/$name" /etc/pve/local
  # A real node restores VM disks only onto a storage whose content includes images.
  printf "dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup,images\n" >/etc/pve/storage.cfg
fi
# The hosts never accept the machine'\''s own root password.
sed -i -E "s|^root:[^:]*:|root:*:|" /etc/shadow
'

create_host_namespaces() {
  local name="$1" hd; hd="$(host_dir "$name")"
  load_host "$name"
  local f
  for f in "$STATE/ns/$name.mnt" "$STATE/ns/$name.uts"; do
    is_mounted "$f" && umount "$f"
    : >"$f"
  done
  unshare --mount="$STATE/ns/$name.mnt" --uts="$STATE/ns/$name.uts" --propagation private -- \
    /bin/bash -c "$HOST_SETUP" host-setup "$name" "$ADDR" "$hd" "$STATE" "$LAB_DIR" "$(cat "$STATE/emulator.parent")" "$IN_HOST" "$KIND" \
    || die "could not set up the namespaces of '$name'"
}

start_sshd() {
  local name="$1" hd; hd="$(host_dir "$name")"
  load_host "$name"
  rm -f "$hd/ssh/sshd.pid"
  in_host "$name" /usr/sbin/sshd -f "$IN_HOST/host/ssh/sshd_config" -E "$IN_HOST/host/ssh/sshd.log" \
    || die "sshd of '$name' did not start (see $hd/ssh/sshd.log)"
  local i
  for i in $(seq 1 100); do
    if sshd_pid "$name" >/dev/null && sshd_listening "$name" "$ADDR"; then return 0; fi
    sleep 0.05
  done
  die "sshd of '$name' is not listening on $ADDR:22 (see $hd/ssh/sshd.log)"
}

up_host() {
  local name="$1" addr="$2" hd kind; hd="$(host_dir "$name")"; kind="$(kind_of "$name")"
  local ns veth; ns="$(netns_of "$name")"; veth="$(veth_of "$addr")"
  mkdir -p "$hd"/{etc.upper,etc.work,var.upper,var.work,root/.ssh,tmp,ssh}
  if [ "$kind" = libvirt ]; then
    prepare_libvirt_dirs "$name"
  else
    mkdir -p "$hd"/{vz/dump,vz/images,vz/template/iso,vz/template/cache}
  fi
  if [ ! -f "$hd/host.env" ]; then
    printf 'NAME=%s\nADDR=%s\nSITE=%s\nNETNS=%s\nVETH=%s\nKIND=%s\n' "$name" "$addr" "$(site_of "$addr")" "$ns" "$veth" "$kind" >"$hd/host.env"
  fi
  chmod 700 "$hd" "$hd/root" "$hd/root/.ssh" "$hd/ssh"; chmod 1777 "$hd/tmp"
  [ -f "$hd/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$hd/ssh/ssh_host_ed25519_key"
  touch "$hd/root/.ssh/authorized_keys"; chmod 600 "$hd/root/.ssh/authorized_keys"
  [ -f "$STATE/authorized_keys" ] && merge_keys "$STATE/authorized_keys" "$hd/root/.ssh/authorized_keys"
  write_sshd_config "$name"

  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  in_netns "$name" ip link set lo up
  in_netns "$name" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true
  if ! in_netns "$name" ip link show eth0 >/dev/null 2>&1; then
    ip link del "$veth" 2>/dev/null || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    echo 1 >"/proc/sys/net/ipv6/conf/$veth/disable_ipv6" 2>/dev/null || true
    ip link set "$veth" master "$BRIDGE"
    [ -f "$hd/cut" ] || ip link set "$veth" up
  fi
  in_netns "$name" ip addr replace "$addr/24" dev eth0
  in_netns "$name" ip link set eth0 up
  if [ "$kind" = libvirt ]; then
    up_kvm_bridges "$name"
  fi

  ns_alive "$name" || create_host_namespaces "$name"
  [ "$kind" = libvirt ] || ensure_pve_network "$name"
  if ! sshd_pid "$name" >/dev/null || ! sshd_listening "$name" "$addr"; then
    local old; old="$(sshd_pid "$name" || true)"
    [ -z "$old" ] || kill "$old" 2>/dev/null || true
    start_sshd "$name"
  fi
}

# A Proxmox host's /etc/network/interfaces (through its /etc overlay), unless it has one: vmbr0 with an
# uplink port, and vmbr9 without any (isolated, for DR drills). The emulator's pvesh lists these and
# its qm start checks NICs against them. Written by 'up', and by 'vm create' for a host that was up
# before this existed.
ensure_pve_network() {
  local name="$1"
  load_host "$name"
  in_host "$name" /bin/sh -c '[ -e /etc/network/interfaces ] && exit 0; mkdir -p /etc/network; cat >/etc/network/interfaces.tmp && mv /etc/network/interfaces.tmp /etc/network/interfaces' <<EOF
# Network of lab host $name, written by lab/lab.sh: vmbr0 has an uplink, vmbr9 none (DR drills).
auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
	address $ADDR/24
	bridge-ports eno1
	bridge-stp off
	bridge-fd 0

auto vmbr9
iface vmbr9 inet manual
#drill
	bridge-ports none
	bridge-stp off
	bridge-fd 0
EOF
}

# ------------------------------------------------------------------ libvirt hosts

# The bootable lab guest (vm create --boot) every libvirt host reads at one path; built once
# from Debian packages when it is missing (./dr test builds it before the lab starts).
GUEST_DIR="${DRLAB_GUEST_DIR:-/usr/local/lib/drlab-guest}"
ensure_guest() {
  [ -f "$GUEST_DIR/vmlinuz" ] && [ -f "$GUEST_DIR/initrd.img" ] && return 0
  log "building the lab guest into $GUEST_DIR"
  DRLAB_GUEST_DIR="$GUEST_DIR" "$PY" "$LAB_DIR/guest/build.py" || die "the lab guest could not be built (lab/guest/build.py)"
}

# br0 with its stand-in uplink (one end of a veth pair whose other end, uplink0p, stays loose in the
# namespace: it carries nothing out, but the bridge has a port of its own, as a production bridge
# does; no 'dummy' links: not every kernel here has the module) and the isolated br-drill. No address
# on either: guests stay inside the host.
up_kvm_bridges() {
  local name="$1" br
  for br in "$KVM_BRIDGE" "$KVM_DRILL_BRIDGE"; do
    in_netns "$name" ip link show "$br" >/dev/null 2>&1 || in_netns "$name" ip link add "$br" type bridge
    in_netns "$name" ip link set "$br" up
  done
  in_netns "$name" ip link show "$KVM_UPLINK" >/dev/null 2>&1 \
    || in_netns "$name" ip link add "$KVM_UPLINK" type veth peer name "${KVM_UPLINK}p"
  in_netns "$name" ip link set "$KVM_UPLINK" master "$KVM_BRIDGE"
  in_netns "$name" ip link set "${KVM_UPLINK}p" up
  in_netns "$name" ip link set "$KVM_UPLINK" up
}

# State directory layout of a libvirt host: libvirt/{etc,lib,log,cache} become its /etc/libvirt,
# /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt; libvirtd's pid file and log sit beside them.
prepare_libvirt_dirs() {
  local name="$1" lv; lv="$(host_dir "$name")/libvirt"
  # log/qemu: where a booting guest's serial console is logged (a Debian install has it from its package).
  mkdir -p "$lv"/{lib/images,lib/drportal,log/qemu,cache}
  if [ ! -d "$lv/etc" ]; then
    mkdir -p "$lv/etc.new"
    [ ! -d /etc/libvirt ] || cp -a /etc/libvirt/. "$lv/etc.new/"
    mv "$lv/etc.new" "$lv/etc"
  fi
  # qemu.conf: QEMU runs as root without security driver, namespaces or cgroups (no PID namespace,
  # no systemd here), and writes its stdout/stderr to a file (no virtlogd).
  cat >"$lv/etc/qemu.conf" <<'EOF'
# Written by lab/lab.sh for a lab libvirt host (rewritten by 'up').
user = "root"
group = "root"
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
EOF
  # virsh without -c (an SSH session's) talks to this host's own daemon.
  grep -qx 'uri_default = "qemu:///system"' "$lv/etc/libvirt.conf" 2>/dev/null \
    || printf 'uri_default = "qemu:///system"\n' >>"$lv/etc/libvirt.conf"
  chmod 700 "$lv"
}

# PID of the host's libvirtd, from its pid file, when that process is alive inside the host.
libvirtd_pid() {
  local pid
  pid="$(cat "$(host_dir "$1")/libvirt/libvirtd.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && in_host_mnt "$1" "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd ] || return 1
  printf '%s' "$pid"
}

# True when process $2 lives in the mount namespace of host $1 (so it was started inside that host).
in_host_mnt() {
  local ns="$STATE/ns/$1.mnt"
  is_mounted "$ns" || return 1
  [ "$(stat -L -c %i "/proc/$2/ns/mnt" 2>/dev/null)" = "$(stat -L -c %i "$ns" 2>/dev/null)" ]
}

# Starts libvirtd in the background inside the host; wait_libvirtd waits for it to answer.
start_libvirtd() {
  local name="$1" hd; hd="$(host_dir "$name")"
  rm -f "$hd/libvirt/libvirtd.pid"
  in_host "$name" setsid /usr/sbin/libvirtd -p "$IN_HOST/host/libvirt/libvirtd.pid" \
    </dev/null >>"$hd/libvirt/libvirtd.log" 2>&1 &
}

# A running libvirt host whose libvirtd has probed QEMU already (its capabilities cache is filled).
caps_source() {
  local name
  for name in $(known_hosts); do
    [ "$(kind_of "$name")" = libvirt ] || continue
    compgen -G "$(host_dir "$name")/libvirt/cache/qemu/capabilities/*.xml" >/dev/null && libvirtd_pid "$name" >/dev/null \
      && { printf '%s' "$name"; return 0; }
  done
  return 1
}

# Probing QEMU takes libvirtd ~5 s; every host runs the same QEMU on the same machine, so a new
# host starts from the capabilities cache of one that has probed (libvirtd still checks it is valid).
seed_caps() {
  local name="$1" src dst
  src="$(caps_source)" || return 0
  [ "$src" != "$name" ] || return 0
  dst="$(host_dir "$name")/libvirt/cache/qemu/capabilities"
  compgen -G "$dst/*.xml" >/dev/null && return 0
  mkdir -p "$dst"
  cp -a "$(host_dir "$src")/libvirt/cache/qemu/capabilities/." "$dst/"
}

wait_libvirtd() {
  local name="$1" i hd; hd="$(host_dir "$name")"
  for i in $(seq 1 150); do
    if libvirtd_pid "$name" >/dev/null && in_host "$name" virsh -q -c qemu:///system version >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "libvirtd of '$name' does not answer (see $hd/libvirt/libvirtd.log)"
}

# PIDs of a libvirt host's QEMU processes, from the pid file libvirtd keeps for each running domain
# (/run/libvirt/qemu/<name>.pid beside its status file <name>.xml; driver.pid is libvirtd's own),
# each checked to be a QEMU process of that host.
qemu_pids() {
  local name="$1" pid
  ns_alive "$name" || return 0
  for pid in $(in_host "$name" sh -c 'for f in /run/libvirt/qemu/*.pid; do
      [ -f "${f%.pid}.xml" ] && [ -f "$f" ] && { cat "$f"; echo; }; done; true' || true); do
    if [[ "$pid" =~ ^[0-9]+$ ]] && in_host_mnt "$name" "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu-system* ]]; then
      printf '%s\n' "$pid"
    fi
  done
  return 0
}

# A process that has exited but not been reaped yet (a zombie) counts as gone.
pid_alive() {
  local st; st="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "${st%% *}" != Z ]
}

# Stops the domains' QEMU processes and then libvirtd of every libvirt host, by recorded PID.
stop_libvirt_hosts() {
  local name pids pid p i alive
  for name in $(known_hosts); do
    load_host "$name"
    [ "$KIND" = libvirt ] || continue
    pids="$(qemu_pids "$name")"
    pid="$(libvirtd_pid "$name" || true)"
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill_pids TERM $pids
    for i in $(seq 1 30); do
      alive=""
      for p in $pids; do ! pid_alive "$p" || alive+="$p "; done
      pids="$alive"; [ -z "$pids" ] && break
      sleep 0.1
    done
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill_pids KILL $pids
    if [ -n "$pid" ]; then
      kill_pids TERM "$pid"
      for i in $(seq 1 30); do pid_alive "$pid" || break; sleep 0.1; done
      ! pid_alive "$pid" || kill_pids KILL "$pid"
    fi
  done
}

cmd_up() {
  need_root
  local spec="$DEFAULT_HOSTS"
  while [ $# -gt 0 ]; do
    case "$1" in
      --hosts) [ $# -ge 2 ] || die "--hosts needs a value"; spec="$2"; shift 2 ;;
      --hosts=*) spec="${1#--hosts=}"; shift ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  check_tools
  mkdir -p "$STATE/hosts"; chmod 700 "$STATE"
  plan_hosts "$spec"
  case " ${HOST_NAMES[*]} " in *" kvm-"*) check_libvirt_tools; ensure_guest ;; esac
  trap 'log "up failed; the lab may be half up: lab.sh down cleans up"' ERR
  ensure_bridge
  ensure_ns_dir
  ensure_emubin
  local i kvm=() pending=() first="" name
  for i in "${!HOST_NAMES[@]}"; do
    [ "$(kind_of "${HOST_NAMES[$i]}")" = libvirt ] || continue
    up_host "${HOST_NAMES[$i]}" "${HOST_ADDRS[$i]}"
    kvm+=("${HOST_NAMES[$i]}")
    libvirtd_pid "${HOST_NAMES[$i]}" >/dev/null || pending+=("${HOST_NAMES[$i]}")
  done
  # One libvirtd probes QEMU while the Proxmox hosts come up; the others then start from its cache.
  if [ ${#pending[@]} -gt 0 ] && ! caps_source >/dev/null; then
    first="${pending[0]}"; pending=("${pending[@]:1}")
    start_libvirtd "$first"
  fi
  for i in "${!HOST_NAMES[@]}"; do
    [ "$(kind_of "${HOST_NAMES[$i]}")" = libvirt ] || up_host "${HOST_NAMES[$i]}" "${HOST_ADDRS[$i]}"
  done
  [ -z "$first" ] || wait_libvirtd "$first"
  for name in "${pending[@]}"; do seed_caps "$name"; start_libvirtd "$name"; done
  for name in "${kvm[@]}"; do wait_libvirtd "$name"; done
  trap - ERR
  cmd_status
}

# ------------------------------------------------------------------ down

kill_pids() {
  local sig="$1"; shift
  local p
  for p in "$@"; do [ "$p" != "$$" ] && kill "-$sig" "$p" 2>/dev/null || true; done
}

# PIDs of every process inside a lab host (in one of its network or mount namespaces).
lab_pids() {
  "$PY" "$LAB_DIR/lib/labpids.py" "$STATE"
}

cmd_down() {
  need_root
  local pids i
  # libvirt hosts first, by their recorded PIDs: QEMU from libvirtd's pid files, then libvirtd.
  stop_libvirt_hosts
  pids="$(lab_pids | sort -u)"
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill_pids TERM $pids
    for i in $(seq 1 50); do
      pids="$(lab_pids | sort -u)"
      [ -z "$pids" ] && break
      sleep 0.1
    done
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill_pids KILL $pids
  fi
  # mounts of the machine under the state directory (the namespace files), deepest first
  local m
  for m in $(awk -v s="$STATE" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^drlab-' || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  local link
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^drlab-v[0-9]+$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  local dev
  for dev in $(losetup -nO NAME,BACK-FILE 2>/dev/null | awk -v s="$STATE/" 'index($2, s) == 1 { print $1 }'); do
    losetup -d "$dev" 2>/dev/null || true
  done
  rm -rf "$STATE"
  log "the lab is down"
}

# ------------------------------------------------------------------ status

cmd_status() {
  "$PY" "$LAB_DIR/lib/labstatus.py" "$STATE" "$BRIDGE" "$@"
}

# ------------------------------------------------------------------ keys and passwords

is_public_key_line() {
  [[ "$1" =~ ^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\ [A-Za-z0-9+/]+=*(\ .*)?$ ]]
}

# Appends the keys of $1 missing from $2 (same type and key material).
merge_keys() {
  local src="$1" dst="$2" line blob
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    blob="$(printf '%s' "$line" | awk '{print $1 " " $2}')"
    grep -qF -- "$blob" "$dst" 2>/dev/null || printf '%s\n' "$line" >>"$dst"
  done <"$src"
}

cmd_authorize() {
  need_root
  [ $# -eq 1 ] || die "usage: lab.sh authorize <public-key-file>"
  local file="$1" line n=0 tmp
  [ -r "$file" ] || die "cannot read '$file'"
  grep -q 'PRIVATE KEY' "$file" && die "'$file' is a private key; give the .pub file"
  tmp="$(mktemp)"
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    case "$line" in \#*) continue ;; esac
    is_public_key_line "$line" || { rm -f "$tmp"; die "'$file' does not hold OpenSSH public keys (line: ${line:0:40}...)"; }
    printf '%s\n' "$line" >>"$tmp"; n=$((n + 1))
  done <"$file"
  [ "$n" -gt 0 ] || { rm -f "$tmp"; die "'$file' holds no public key"; }
  local hosts; hosts="$(known_hosts)"
  [ -n "$hosts" ] || { rm -f "$tmp"; die "the lab is down (lab.sh up first)"; }
  touch "$STATE/authorized_keys"; chmod 600 "$STATE/authorized_keys"
  merge_keys "$tmp" "$STATE/authorized_keys"
  local name
  for name in $hosts; do
    merge_keys "$tmp" "$(host_dir "$name")/root/.ssh/authorized_keys"
  done
  rm -f "$tmp"
  log "authorized $n key(s) on: $(echo $hosts)"
}

reload_sshd() {
  local name="$1" pid; load_host "$name"
  pid="$(sshd_pid "$name")" || { start_sshd "$name"; return; }
  kill -HUP "$pid"
  local i
  sleep 0.1
  for i in $(seq 1 100); do
    sshd_listening "$name" "$ADDR" && return 0
    sleep 0.05
  done
  die "sshd of '$name' did not come back after reload"
}

cmd_password() {
  need_root
  [ $# -eq 2 ] || die "usage: lab.sh password <host> <password>|--stdin|--off"
  local name="$1" pw="$2" hash hd
  load_host "$name"; hd="$(host_dir "$name")"
  if [ "$pw" = "--off" ]; then
    in_host "$name" sed -i -E 's|^root:[^:]*:|root:*:|' /etc/shadow
    rm -f "$hd/password.on"
    write_sshd_config "$name"; reload_sshd "$name"
    log "password login for root is off on $name"
    return
  fi
  if [ "$pw" = "--stdin" ]; then IFS= read -r pw || true; fi
  [ -n "$pw" ] || die "empty password"
  hash="$(printf '%s' "$pw" | openssl passwd -6 -stdin)"
  [[ "$hash" =~ ^\$6\$[A-Za-z0-9./$]+$ ]] || die "could not hash the password"
  in_host "$name" sed -i -E "s|^root:[^:]*:|root:${hash}:|" /etc/shadow
  touch "$hd/password.on"
  write_sshd_config "$name"; reload_sshd "$name"
  log "root may log in with a password on $name (only there; lab.sh password $name --off reverts)"
}

# ------------------------------------------------------------------ VMs

# Proxmox hosts: labvm.py (VMs of the emulator); libvirt hosts: labkvm.py (real domains through virsh).
vm_tool() { if [ "$KIND" = libvirt ]; then echo "$IN_HOST/lab/lib/labkvm.py"; else echo "$IN_HOST/lab/lib/labvm.py"; fi; }

cmd_vm() {
  need_root
  local sub="${1:-}"; shift || true
  case "$sub" in
    create|change|checksum|destroy|guest|serial)
      [ $# -ge 2 ] || die "usage: lab.sh vm $sub <host> <vmid|name> [options]"
      local name="$1"; shift; load_host "$name"
      [ "$sub" != guest ] || [ "$KIND" != libvirt ] || die "vm guest is for Proxmox hosts (the emulator's guests)"
      [ "$sub" != serial ] || [ "$KIND" = libvirt ] || die "vm serial is for libvirt hosts (a booting guest's console)"
      [ "$sub" != create ] || [ "$KIND" = libvirt ] || ensure_pve_network "$name"
      in_host "$name" "$PY" "$(vm_tool)" "$sub" "$@" ;;
    list)
      [ $# -eq 1 ] || die "usage: lab.sh vm list <host>"
      load_host "$1"
      in_host "$1" "$PY" "$(vm_tool)" list ;;
    *) die "usage: lab.sh vm create|change|checksum|guest|serial|list|destroy <host> ..." ;;
  esac
}

# ------------------------------------------------------------------ faults

# tc rate -> bytes per second
rate_bytes() {
  awk -v r="$1" 'BEGIN {
    match(r, /^[0-9.]+/); n = substr(r, 1, RLENGTH); u = substr(r, RLENGTH + 1)
    m["bit"] = 1/8; m["kbit"] = 1000/8; m["mbit"] = 1e6/8; m["gbit"] = 1e9/8; m["tbit"] = 1e12/8
    m["bps"] = 1; m["kbps"] = 1000; m["mbps"] = 1e6; m["gbps"] = 1e9
    printf "%d\n", n * m[u] }'
}

netem_available() {
  local name="$1"
  if in_netns "$name" tc qdisc add dev lo root handle 1: netem delay 1ms 2>/dev/null; then
    in_netns "$name" tc qdisc del dev lo root 2>/dev/null || true
    return 0
  fi
  return 1
}

cmd_shape() {
  need_root
  [ $# -ge 2 ] || die "usage: lab.sh shape <host> --rate 42mbit [--delay 5ms] | --off"
  local name="$1"; shift
  load_host "$name"
  local hd rate="" delay="" off=0; hd="$(host_dir "$name")"
  while [ $# -gt 0 ]; do
    case "$1" in
      --rate) [ $# -ge 2 ] || die "--rate needs a value"; rate="$2"; shift 2 ;;
      --delay) [ $# -ge 2 ] || die "--delay needs a value"; delay="$2"; shift 2 ;;
      --off) off=1; shift ;;
      *) die "unknown option for shape: $1" ;;
    esac
  done
  if [ "$off" -eq 1 ]; then
    tc qdisc del dev "$VETH" root 2>/dev/null || true
    in_netns "$name" tc qdisc del dev eth0 root 2>/dev/null || true
    rm -f "$hd/shape.rate" "$hd/shape.delay"
    log "$name: link shaping off"
    return
  fi
  [ -n "$rate" ] || die "shape needs --rate (e.g. --rate 42mbit) or --off"
  rate="${rate,,}"
  [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps)$ ]] || die "invalid rate '$rate' (e.g. 42mbit, 500kbit, 1gbit)"
  local bps; bps="$(rate_bytes "$rate")"
  [ "$bps" -ge 1000 ] || die "rate '$rate' is too low (minimum 8kbit)"
  if [ -n "$delay" ]; then
    [[ "$delay" =~ ^[0-9]+(\.[0-9]+)?(us|ms|s)$ ]] || die "invalid delay '$delay' (e.g. 5ms)"
    netem_available "$name" || die "--delay needs the kernel's netem queueing discipline (sch_netem), which this kernel does not have; nothing was changed. Shape with --rate alone, or run the lab on a kernel with CONFIG_NET_SCH_NETEM." 2
  fi
  # A burst of 10 ms of traffic (at least 16 KiB): smooth enough, and TCP still reaches the rate.
  local burst=$((bps / 100)); [ "$burst" -ge 16384 ] || burst=16384
  local dev
  for dev in root host; do
    local run=() iface="$VETH"
    if [ "$dev" = host ]; then run=(in_netns "$name"); iface=eth0; fi
    # Start from scratch: 'replace' on an existing tbf would keep an earlier netem child.
    "${run[@]}" tc qdisc del dev "$iface" root 2>/dev/null || true
    "${run[@]}" tc qdisc add dev "$iface" root handle 1: tbf rate "$rate" burst "$burst" latency 200ms
    if [ -n "$delay" ]; then
      "${run[@]}" tc qdisc add dev "$iface" parent 1:1 handle 10: netem delay "$delay"
    fi
  done
  printf '%s\n' "$rate" >"$hd/shape.rate"
  if [ -n "$delay" ]; then printf '%s\n' "$delay" >"$hd/shape.delay"; else rm -f "$hd/shape.delay"; fi
  log "$name: link shaped to $rate in each direction${delay:+, $delay delay each way}"
}

cmd_cut() {
  need_root
  [ $# -eq 1 ] || die "usage: lab.sh cut <host>"
  load_host "$1"
  ip link set "$VETH" down
  touch "$(host_dir "$1")/cut"
  log "$1: link down"
}

cmd_heal() {
  need_root
  [ $# -eq 1 ] || die "usage: lab.sh heal <host>"
  load_host "$1"
  ip link set "$VETH" up
  rm -f "$(host_dir "$1")/cut"
  log "$1: link up"
}

size_bytes() {
  [[ "$1" =~ ^([0-9]+)([KMG]?)$ ]] || return 1
  local n="${BASH_REMATCH[1]}"
  case "${BASH_REMATCH[2]}" in K) n=$((n << 10)) ;; M) n=$((n << 20)) ;; G) n=$((n << 30)) ;; esac
  printf '%s' "$n"
}

# The dump directory (a libvirt host's: the staging directory of DrPortal's libvirt driver)
# moves onto a small ext4 of its own (a loop device inside the host's mount namespace) holding
# the existing files and exactly the requested free space.
cmd_fill() {
  need_root
  [ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: lab.sh fill <host> --free 10M | --off"
  local name="$1"; shift
  load_host "$name"
  local hd; hd="$(host_dir "$name")"
  local dump=/var/lib/vz/dump under="$IN_HOST/host/vz/dump" real="$hd/vz/dump" stage=/run/drlab-fill
  if [ "$KIND" = libvirt ]; then
    dump=/var/lib/libvirt/drportal under="$IN_HOST/host/libvirt/lib/drportal" real="$hd/libvirt/lib/drportal"
  fi
  if [ "$1" = "--off" ]; then
    [ -f "$hd/fill.loop" ] || { log "$name: dump directory is not filled"; return; }
    in_host "$name" sh -c "rm -f '$dump/lost+found/.drlab-filler'; find '$dump' -mindepth 1 -maxdepth 1 ! -name lost+found -exec mv -t '$under' {} +; umount '$dump'"
    losetup -d "$(cat "$hd/fill.loop")" 2>/dev/null || true
    rm -f "$hd/fill.loop" "$hd/fill.img" "$hd/fill.free"
    log "$name: dump directory back to normal"
    return
  fi
  [ "$1" = "--free" ] && [ $# -eq 2 ] || die "usage: lab.sh fill <host> --free 10M | --off"
  local free; free="$(size_bytes "$2")" || die "invalid size '$2' (e.g. 10M, 512K, 1G)"
  [ ! -f "$hd/fill.loop" ] || cmd_fill "$name" --off
  local used; used="$(du -sb "$real" | cut -f1)"
  local size=$(( ((used + free) * 11 / 10 + (16 << 20)) >> 20 << 20 ))
  truncate -s "$size" "$hd/fill.img"
  mkfs.ext4 -q -F -m 0 -O ^has_journal -L drlab-fill "$hd/fill.img"
  local loop; loop="$(losetup -f --show "$hd/fill.img")"
  printf '%s\n' "$loop" >"$hd/fill.loop"
  in_host "$name" sh -c "
    set -e
    mkdir -p '$stage'; mount '$loop' '$stage'
    find '$dump' -mindepth 1 -maxdepth 1 -exec mv -t '$stage' {} +
    avail=\$(df -B1 --output=avail '$stage' | tail -1 | tr -d ' ')
    extra=\$((avail - $free))
    if [ \"\$extra\" -gt 0 ]; then fallocate -l \"\$extra\" '$stage/lost+found/.drlab-filler'; fi
    mount --move '$stage' '$dump'; rmdir '$stage'
  " || die "could not fill the dump directory of '$name'"
  printf '%s\n' "$2" >"$hd/fill.free"
  log "$name: $dump has $(in_host "$name" df -B1 --output=avail "$dump" | tail -1 | tr -d ' ') bytes free"
}

cmd_exec() {
  need_root
  [ $# -ge 1 ] || die "usage: lab.sh exec <host> [-- command...]"
  local name="$1"; shift
  load_host "$name"
  [ "${1:-}" != "--" ] || shift
  if [ $# -eq 0 ]; then set -- /bin/bash -l; fi
  in_host "$name" "$@"
}

# ------------------------------------------------------------------ dispatch

cmd="${1:-}"; shift || true
case "$cmd" in
  up) cmd_up "$@" ;;
  plan) cmd_plan "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  authorize) cmd_authorize "$@" ;;
  password) cmd_password "$@" ;;
  vm) cmd_vm "$@" ;;
  shape) cmd_shape "$@" ;;
  cut) cmd_cut "$@" ;;
  heal) cmd_heal "$@" ;;
  fill) cmd_fill "$@" ;;
  exec) cmd_exec "$@" ;;
  -h|--help|help) usage ;;
  "") usage; exit 2 ;;
  *) usage >&2; die "unknown command '$cmd'" 2 ;;
esac
