"""HTTP routes per area, composed by the HTTP functions (functions/api, functions/ops)."""
