"""The web pages, one module per area; each owns an ``APIRouter`` of ``WebRoute`` routes."""
