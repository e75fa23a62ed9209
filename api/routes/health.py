from fastapi import APIRouter

from api.deps import VeilDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(veil: VeilDep) -> dict:
    """Ready once the store answers (the server loads its models before it listens)."""
    with veil.lock:
        return {"status": "ready", "collections": len(veil.store.collections())}
