"""Proxmox VE CLI emulator of the DrPortal lab: vzdump, qmrestore, qm, pvesh, pveversion."""
