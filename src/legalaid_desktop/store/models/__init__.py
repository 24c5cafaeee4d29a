"""SQLAlchemy models of the store. Import :data:`Base` for the metadata of every table."""

from legalaid_desktop.store.models.base import Base
from legalaid_desktop.store.models.foundation import AuditEvent, Meta, Node, User

__all__ = ["AuditEvent", "Base", "Meta", "Node", "User"]
