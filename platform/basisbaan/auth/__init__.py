"""Authentication (API tokens; SSO comes with the web issue), roles and permissions."""
