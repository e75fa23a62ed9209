from fastapi import APIRouter

from api.deps import VeilDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(veil: VeilDep) -> dict:
    return {"status": "ok", "data_dir": str(veil.settings.data_dir.resolve())}
