from fastapi import APIRouter

from api.deps import VeilDep
from api.schemas.service import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready)
def readyz(veil: VeilDep) -> Ready:
    """Ready once the store answers (the server loads its models before it listens)."""
    with veil.lock:
        return Ready(status="ready", collections=len(veil.store.collections()))
