"""tunix-rt training: SFT with Tunix's PeftTrainer, evaluation with its Sampler, reports.

Imports only the pure ``tunix_rt_backend.contracts`` package from the server side; everything
else it says to the server goes over REST (``reporting``).
"""

__version__ = "0.1.0"
