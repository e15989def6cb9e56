#!/usr/bin/python3
"""PIDs of every process inside a lab host (used by 'lab.sh down').

A process belongs to the lab when its network namespace is one of
/run/netns/drlab-* or its mount namespace is one kept in <state>/ns/*.mnt:
such processes can only have been started by the lab or inside its hosts.
"""

import glob
import os
import sys


def ns_id(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def main(argv):
    state = argv[0]
    nsfs_dev = os.stat('/proc/self/ns/net').st_dev
    paths = glob.glob('/run/netns/drlab-*') + glob.glob(os.path.join(state, 'ns', '*.mnt'))
    # A namespace file that is not mounted is a plain empty file, not a namespace.
    wanted = {i for i in map(ns_id, paths) if i and i[0] == nsfs_dev}
    me = os.getpid()
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == me:
            continue
        if ns_id('/proc/%s/ns/net' % entry) in wanted or ns_id('/proc/%s/ns/mnt' % entry) in wanted:
            print(entry)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
