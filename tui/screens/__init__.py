"""One module per screen of the product flow."""
