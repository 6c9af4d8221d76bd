"""One way to turn an exported ONNX model into the bytes AMATO stores and commits."""

import onnx


def onnx_bytes(model: onnx.ModelProto) -> bytes:
    """The model serialized with its opset imports in domain order.

    onnxmltools lists a converted model's opset imports in set order, which follows Python's
    per-process hash seed: the same trees gave different bytes from one run to the next, and
    the fixture tests that compare a regenerated model with the committed one failed at random.
    """
    ordered = sorted(model.opset_import, key=lambda o: o.domain)
    del model.opset_import[:]
    model.opset_import.extend(ordered)
    return model.SerializeToString()
