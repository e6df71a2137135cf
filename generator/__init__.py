"""Carnet: a CRM and light ERP whose data is a git repository of YAML files."""

__version__ = "0.2.0"
