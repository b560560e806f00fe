"""ClinicLink clinic workstation (医共体基层工作站)."""

__version__ = "0.1.0"
