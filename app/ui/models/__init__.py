"""Table models (QAbstractTableModel subclasses with lazy loading)."""
