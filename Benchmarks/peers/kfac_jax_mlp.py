#!/usr/bin/env python3
"""Issue 12's peer timing: SGD and K-FAC steps of kfac-jax on this CPU.

The configuration of `kronkit compare` in Notes/BENCHMARKS.md ("Peers: kfac-jax"):
MLP 256-512-512-10 with ReLU, batch 256, float32, softmax cross-entropy, K-FAC with the
Monte-Carlo Fisher ("fisher_gradients", one sampled label per example), factors every
step, inverses every 20 steps (factored Tikhonov damping: kfac-jax's inverse route),
fixed learning rate, momentum and damping (no adaptive schedules).

Usage (creates the pinned virtualenv on first use; newer jax breaks kfac-jax 0.0.8):
    python3 Benchmarks/peers/kfac_jax_mlp.py [--steps 100] [--warmup 20]

Prints ms per step after warm-up for SGD (optax, momentum 0.9) and for K-FAC: the mean of
the best inverse period (the refresh amortised; what kernel-report's training-step section
reports), the median and best single step, and the mean over all timed periods, each step
synchronised with block_until_ready. The warm-up must start a period, so it is a multiple of
the inverse period (the first step refreshes).
"""
import argparse
import os
import subprocess
import sys
import time

PINNED = ["jax==0.7.2", "jaxlib==0.7.2", "kfac-jax==0.0.8", "dm-haiku", "optax", "numpy"]
HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, "..", "..", ".build", "peers-venv-jax")


def ensure_venv():
    """Re-runs this script inside .build/peers-venv-jax, creating it with the pinned packages."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", *PINNED])
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="timed steps (a multiple of the inverse period)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first (compilation, first inverses)")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--inverse-update-period", type=int, default=20)
    args = parser.parse_args()

    import jax
    import jax.numpy as jnp
    import haiku as hk
    import kfac_jax
    import numpy as np
    import optax

    widths = [512, 512, 10]
    rng = np.random.default_rng(12)
    x = jnp.asarray(rng.uniform(0, 1, size=(args.batch, 256)), dtype=jnp.float32)
    y = jnp.asarray(rng.integers(0, 10, size=args.batch))
    batch = (x, y)

    def model(inputs):
        return hk.nets.MLP(widths, activation=jax.nn.relu)(inputs)

    net = hk.without_apply_rng(hk.transform(model))

    def loss_fn(params, data):
        inputs, labels = data
        logits = net.apply(params, inputs)
        kfac_jax.register_softmax_cross_entropy_loss(logits, labels)
        return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, labels))

    key = jax.random.PRNGKey(0)
    params = net.init(key, x)

    def timed(step, state, count):
        times = []
        for _ in range(count):
            start = time.perf_counter()
            state = step(state)
            jax.block_until_ready(state)
            times.append(time.perf_counter() - start)
        return state, times

    # SGD with momentum, one jitted step (value, gradient, update).
    sgd = optax.sgd(0.01, momentum=0.9)

    @jax.jit
    def sgd_step(carry):
        p, s = carry
        value, grads = jax.value_and_grad(loss_fn)(p, batch)
        updates, s = sgd.update(grads, s, p)
        return optax.apply_updates(p, updates), s

    carry = (params, sgd.init(params))
    carry, _ = timed(sgd_step, carry, args.warmup)
    carry, sgd_times = timed(sgd_step, carry, args.steps)

    optimizer = kfac_jax.Optimizer(
        value_and_grad_func=jax.value_and_grad(loss_fn),
        l2_reg=0.0,
        use_adaptive_learning_rate=False,
        use_adaptive_momentum=False,
        use_adaptive_damping=False,
        learning_rate_schedule=lambda step: jnp.asarray(0.01, jnp.float32),
        momentum_schedule=lambda step: jnp.asarray(0.9, jnp.float32),
        damping_schedule=lambda step: jnp.asarray(1e-3, jnp.float32),
        norm_constraint=1e-3,
        estimation_mode="fisher_gradients",
        curvature_ema=0.95,
        curvature_update_period=1,
        inverse_update_period=args.inverse_update_period,
        num_burnin_steps=0,
        multi_device=False,
    )
    state = optimizer.init(params, key, batch)
    keys = iter(jax.random.split(jax.random.PRNGKey(1), args.warmup + args.steps + 1))

    def kfac_step(carry):
        p, s = carry
        p, s, _ = optimizer.step(p, s, next(keys), batch=batch, global_step_int=int(s.step_counter))
        return p, s

    carry = (params, state)
    carry, _ = timed(kfac_step, carry, args.warmup)
    carry, kfac_times = timed(kfac_step, carry, args.steps)

    def summary(name, times):
        # Periods of T_inv steps each hold one refresh; the best period's mean is the statistic
        # kernel-report's training-step section reports (best of its timed periods / T_inv),
        # the least disturbed by other load on a shared machine.
        ms = np.asarray(times) * 1e3
        period = args.inverse_update_period
        whole = len(ms) - len(ms) % period
        periods = ms[:whole].reshape(-1, period).mean(axis=1)
        print(f"{name}: best {period}-step period {periods.min():.2f} ms per step, "
              f"median step {np.median(ms):.2f} ms, best step {ms.min():.2f} ms, "
              f"mean over {whole} steps {ms[:whole].mean():.2f} ms")

    print(f"jax {jax.__version__}, kfac-jax {kfac_jax.__version__}, devices {jax.devices()}, "
          f"MLP 256-{'-'.join(map(str, widths))}, batch {args.batch}, float32, T_inv {args.inverse_update_period}")
    summary("SGD", sgd_times)
    summary("K-FAC", kfac_times)


if __name__ == "__main__":
    ensure_venv()
    main()
