"""The Darwin end-to-end workflow with the standard `mlflow` 2.12.2 client against Darwin MLflow.

    pip install mlflow==2.12.2 scikit-learn
    MLFLOW_TRACKING_URI=http://localhost:5000 python examples/darwin_workflow.py
"""
import json
import os
import tempfile
import time

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

MODEL_NAME = os.environ.get("MODEL_NAME", "HousePricingRF")
POINTS = int(os.environ.get("POINTS", "10000"))


def save_model(directory, params):
    """A stand-in for training: what mlflow.<flavor>.save_model would write."""
    os.makedirs(os.path.join(directory, "data"), exist_ok=True)
    with open(os.path.join(directory, "MLmodel"), "w") as f:
        f.write("artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n")
    with open(os.path.join(directory, "data", "model.json"), "w") as f:
        json.dump({"kind": "random-forest", **params}, f)


def write_reports(directory, rmse):
    """Evaluation reports, logged as a directory of artifacts beside the model."""
    os.makedirs(os.path.join(directory, "plots"), exist_ok=True)
    with open(os.path.join(directory, "metrics.csv"), "w") as f:
        f.write("step,rmse\n" + "".join(f"{i},{v}\n" for i, v in enumerate(rmse)))
    with open(os.path.join(directory, "plots", "residuals.svg"), "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')


def main():
    client = MlflowClient()
    mlflow.set_experiment("house_pricing")
    params = {"n_estimators": 100, "max_depth": 8}
    work = tempfile.mkdtemp()
    with mlflow.start_run(run_name=f"rf_{int(time.time())}") as run:
        mlflow.log_params(params)
        for step in range(POINTS):
            mlflow.log_metric("train_rmse", 1 / (1 + step / 100), step=step, synchronous=False)
        mlflow.flush_async_logging()
        mlflow.log_metrics({"rmse": 0.31, "mae": 0.22, "r2": 0.87})
        write_reports(os.path.join(work, "reports"), [0.5, 0.4, 0.31])
        mlflow.log_artifacts(os.path.join(work, "reports"), artifact_path="reports")
        save_model(os.path.join(work, "model"), params)
        mlflow.log_artifacts(os.path.join(work, "model"), artifact_path="model")
        mlflow.log_dict({"features": ["rooms", "area"]}, "input_example.json")
        run_id, experiment_id = run.info.run_id, run.info.experiment_id

    try:
        client.get_registered_model(MODEL_NAME)
    except MlflowException:
        client.create_registered_model(MODEL_NAME)
    version = client.create_model_version(MODEL_NAME, f"runs:/{run_id}/model", run_id=run_id)
    client.transition_model_version_stage(MODEL_NAME, version.version, "Production", archive_existing_versions=True)
    client.set_registered_model_alias(MODEL_NAME, "champion", version.version)

    deploy_uri = f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/model"
    downloaded = mlflow.artifacts.download_artifacts(f"models:/{MODEL_NAME}@champion", dst_path=os.path.join(work, "download"))
    print(json.dumps({"model_uri": deploy_uri, "serve_name": MODEL_NAME.lower(), "env": "local", "version": version.version, "downloaded": downloaded}))


if __name__ == "__main__":
    main()
