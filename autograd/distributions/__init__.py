"""torch.distributions: Categorical, Bernoulli, Poisson, Normal, Uniform, Exponential, Laplace,
Gamma, Beta, Independent and kl_divergence (log_prob, entropy and rsample are Tensor expressions, so
policy-gradient losses and reparameterised VAEs backpropagate through them)."""

from .base import Distribution, Independent
from .continuous import Beta, Exponential, Gamma, Laplace, Normal, Uniform
from .discrete import Bernoulli, Categorical, Poisson
from .kl import kl_divergence

__all__ = ["Distribution", "Independent", "Beta", "Exponential", "Gamma", "Laplace", "Normal",
           "Uniform", "Bernoulli", "Categorical", "Poisson", "kl_divergence"]
