"""The Qt face of csapp: thin widgets over core services."""
