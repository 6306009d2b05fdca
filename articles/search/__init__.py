"""Reader search: one interface, a backend per database."""
