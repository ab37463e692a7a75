"""Signals other apps listen to, so organizations never imports them."""

from django.dispatch import Signal

# Sent after a subtree's paths changed (a move): old_prefix, new_prefix.
subtree_moved = Signal()
