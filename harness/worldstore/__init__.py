"""A world kept in a folder on disk (``ccsim world``) and saved as one ``.ccworld`` file."""
