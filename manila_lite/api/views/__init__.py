"""Response views, one module per resource, versioned by microversion."""
