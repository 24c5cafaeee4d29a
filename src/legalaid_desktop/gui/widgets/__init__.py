"""Small reusable widgets of the case-management screens."""
