"""One detector per completeness field; each reads a MessageView and returns Evidence or None."""
