"""The county hub: FastAPI sync endpoints, its database and the admin command line."""
