#!/usr/bin/env bash
# The plain-script baseline of benchmark P3: the prototype's procedure, one step after another, the way an admin
# writes it by hand. No tricks (no streaming, no overlap, no cipher or rsync tuning) and no handicaps (no hashing,
# no extra round trips): plain ssh and `rsync -a` with their defaults.
#
#   1. vzdump --compress lzo on the primary host
#   2. rsync primary host -> this machine (the middleware)
#   3. rsync this machine -> recovery host
#   4. qmrestore on the recovery host (over the existing replica)
#   5. qm start
#
# usage: baseline.sh PRIMARY_ADDR VMID RECOVERY_ADDR TARGET_VMID MIDDLE_DIR SSH_KEY KNOWN_HOSTS
# Prints the archive's path on each side (for the caller's cleanup) and the seconds of each step on stderr.
set -euo pipefail

[ $# -eq 7 ] || { echo "usage: baseline.sh PRIMARY_ADDR VMID RECOVERY_ADDR TARGET_VMID MIDDLE_DIR SSH_KEY KNOWN_HOSTS" >&2; exit 2; }
primary="$1" vmid="$2" recovery="$3" target="$4" middle="$5" key="$6" known="$7"
[[ "$vmid" =~ ^[1-9][0-9]{2,8}$ ]] || { echo "baseline: VMID '$vmid' is not a Proxmox VM id" >&2; exit 2; }
[[ "$target" =~ ^[1-9][0-9]{2,8}$ ]] || { echo "baseline: TARGET_VMID '$target' is not a Proxmox VM id" >&2; exit 2; }
[ -d "$middle" ] || { echo "baseline: MIDDLE_DIR '$middle' is not a directory" >&2; exit 2; }

# What `ssh root@host` would do, with the key and the known hosts named instead of found in ~/.ssh.
ssh_cmd="ssh -i $key -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes"
dump=/var/lib/vz/dump

t0=$(date +%s.%N)
lap() { local now; now=$(date +%s.%N); awk -v a="$t0" -v b="$now" -v s="$1" 'BEGIN { printf "baseline: %s %.1f s\n", s, b - a }' >&2; t0=$now; }

out="$($ssh_cmd "root@$primary" vzdump "$vmid" --compress lzo --mode snapshot --dumpdir "$dump")"
archive="$(printf '%s\n' "$out" | sed -n "s/^INFO: creating vzdump archive '\(.*\)'$/\1/p")"
[ -n "$archive" ] || { echo "baseline: vzdump named no archive:" >&2; printf '%s\n' "$out" >&2; exit 1; }
name="${archive##*/}"
lap vzdump

rsync -a -e "$ssh_cmd" "root@$primary:$archive" "$middle/"
lap rsync-pull

rsync -a -e "$ssh_cmd" "$middle/$name" "root@$recovery:$dump/"
lap rsync-push

$ssh_cmd "root@$recovery" qmrestore "$dump/$name" "$target" --force 1 >/dev/null
lap qmrestore

$ssh_cmd "root@$recovery" qm start "$target"
lap qm-start

echo "$archive"
echo "$middle/$name"
echo "$dump/$name"
