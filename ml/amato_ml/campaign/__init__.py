"""Campaign models: each channel's saturating response to spend, a campaign outcome model
(gradient-boosted trees, ONNX) and their backtest on held-out campaigns."""
