"""The learning network built from a cluster template: sizing, train, request and state."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from hanami_client.template.model import ClusterTemplate
from hanami_server.engine.errors import EngineError
from hanami_server.engine.features import (
    GAMMA,
    activity,
    input_scale,
    normalise,
    prepare,
    synapses,
)
from hanami_server.engine.readout import add_rows, solve
from hanami_server.engine.topology import build_topology

STATE_FORMAT = 1
BLOCK = 64
BATCH_CELLS = 1 << 21
Progress = Callable[[int], None]
Stop = Callable[[], bool]


class Network:
    """A template's hexagons as Gaussian hidden blocks read by ridge-regression output synapses."""

    def __init__(self, template: ClusterTemplate, seed: int = 0) -> None:
        """Build the layers of ``template``; nothing is sized or learned yet."""
        self.template = template
        self.seed = seed
        self.topology = build_topology(template)
        settings = template.settings
        self._decay = 1.0 - 1.0 / settings.neuron_cooldown
        self._refractory = settings.refractory_time
        self._prune = settings.enable_reduction
        self._flags = {i.name: i.flag for i in template.inputs}
        self._kinds = {o.name: o.flag for o in template.outputs}
        self.input_sizes = {i.name: 0 for i in template.inputs}
        self.output_sizes = {o.name: 0 for o in template.outputs}
        widths = [b.width for b in self.topology.blocks]
        self._offsets = np.concatenate([[0], np.cumsum(widths)]).astype(int)
        self.capacity = int(self._offsets[-1])
        rng = np.random.default_rng(seed)
        self._gammas = GAMMA * np.exp(rng.uniform(-math.log(2), math.log(2), self.capacity))
        self._gammas = self._gammas.astype(np.float32)
        self._pool = {name: np.zeros((0, 0), np.float32) for name in self.input_sizes}
        self._targets = {name: np.zeros((0, 0), np.float32) for name in self.output_sizes}
        self._scales: dict[str, float] = {}
        self._gram = np.zeros((self.capacity + 1, self.capacity + 1))
        self._cross = {name: np.zeros((self.capacity + 1, 0)) for name in self.output_sizes}
        self._weights = {name: np.zeros((1, 0), np.float32) for name in self.output_sizes}
        self._stale = False
        self._pooled = 0
        self._matrices: list[np.ndarray] | None = None
        self.rows_trained = 0

    @classmethod
    def from_template(cls, template: ClusterTemplate, seed: int = 0) -> Network:
        """A fresh, untrained network for ``template``."""
        return cls(template, seed)

    # sizing

    def resize_input(self, name: str, size: int) -> None:
        """Grow the input hexagon ``name`` to at least ``size`` values (it never shrinks)."""
        self._known(name, self.input_sizes, "input")
        if size < 0:
            raise EngineError(f"the input hexagon '{name}' can not have {size} values")
        if size > self.input_sizes[name]:
            pool = self._pool[name]
            grown = np.zeros((len(pool), size), np.float32)
            grown[:, : pool.shape[1]] = pool
            self._pool[name] = grown
            self.input_sizes[name] = size
            self._matrices = None
            self._stale = True

    def resize_output(self, name: str, size: int) -> None:
        """Set the output hexagon ``name`` to exactly ``size`` values (new ones start at zero)."""
        self._known(name, self.output_sizes, "output")
        if size < 1:
            raise EngineError(f"the output hexagon '{name}' needs at least one value, got {size}")
        old = self.output_sizes[name]
        if size != old:
            self._targets[name] = _fit_columns(self._targets[name], size)
            self._cross[name] = _fit_columns(self._cross[name], size)
            self._weights[name] = _fit_columns(self._weights[name], size)
            self.output_sizes[name] = size
            self._stale = True

    # counters

    @property
    def hidden_neurons(self) -> int:
        """Hidden neurons created so far: one per pooled training row, up to the capacity."""
        return self._pooled

    @property
    def number_of_blocks(self) -> int:
        """Hidden neurons created so far, counted in blocks of 64 per hidden hexagon."""
        return sum(-(-n // BLOCK) for n in self._neurons())

    @property
    def number_of_sections(self) -> int:
        """Non-zero output synapses as of the last solve, in sections of 64 per output hexagon."""
        return sum(-(-int(np.count_nonzero(w)) // BLOCK) for w in self._weights.values())

    @property
    def layout(self) -> list[str]:
        """The shape a checkpoint must agree on (see ``from_state``): interfaces, hidden blocks."""
        return self._layout()

    # training and requests

    def train(
        self,
        inputs: Mapping[str, np.ndarray],
        expected: Mapping[str, np.ndarray],
        *,
        progress: Progress | None = None,
        should_stop: Stop | None = None,
        batch_size: int | None = None,
    ) -> int:
        """One pass over the rows, then the outputs are solved; returns the rows learned."""
        done = self._train(inputs, expected, progress, should_stop, batch_size)
        self.solve()
        return done

    def _train(
        self,
        inputs: Mapping[str, np.ndarray],
        expected: Mapping[str, np.ndarray],
        progress: Progress | None,
        should_stop: Stop | None,
        batch_size: int | None,
    ) -> int:
        """One pass over the rows, leaving the outputs to be solved when next needed."""
        missing = [name for name in self.output_sizes if name not in expected]
        if missing:
            raise EngineError(f"expected values are missing for the output hexagon '{missing[0]}'")
        x = self._tables(inputs, self.input_sizes, "input")
        y = self._tables(expected, self.output_sizes, "output")
        rows = self._rows([*x.values(), *y.values()])
        for name, v in y.items():
            if self.output_sizes[name] == 0:
                self.resize_output(name, v.shape[1])
        x = self._prepared(x)

        def learn(start: int, stop: int) -> None:
            self._learn(
                {n: v[start:stop] for n, v in x.items()},
                {n: v[start:stop] for n, v in y.items()},
                stop - start,
            )

        return self._batches(rows, learn, progress, should_stop, batch_size)

    def request(
        self,
        inputs: Mapping[str, np.ndarray],
        *,
        progress: Progress | None = None,
        should_stop: Stop | None = None,
        batch_size: int | None = None,
    ) -> dict[str, np.ndarray]:
        """Forward pass: one output row per input row (fewer when stopped early)."""
        self._require_sized_outputs()
        x = self._tables(inputs, self.input_sizes, "input")
        rows = self._rows(list(x.values()))
        x = self._prepared(x)
        self.solve()
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.output_sizes}

        def answer(start: int, stop: int) -> None:
            batch = {n: v[start:stop] for n, v in x.items()}
            for name, out in self._forward(batch, stop - start).items():
                parts[name].append(out)

        self._batches(rows, answer, progress, should_stop, batch_size)
        return {
            name: np.concatenate(chunks) if chunks else np.zeros((0, size), np.float32)
            for (name, chunks), size in zip(parts.items(), self.output_sizes.values(), strict=True)
        }

    def train_one(
        self, inputs: Mapping[str, Sequence[float]], expected: Mapping[str, Sequence[float]]
    ) -> None:
        """Direct IO: learn one sample; inputs grow to the values given, outputs take their size."""
        for name in inputs:
            self._known(name, self.input_sizes, "input")
        for name in self.output_sizes:
            if name not in expected:
                raise EngineError(f"expected values are missing for the output hexagon '{name}'")
        for name, values in expected.items():
            self.resize_output(name, len(values))
        one = {n: np.asarray(v, np.float32)[None] for n, v in expected.items()}
        self._train(self._one(inputs), one, None, None, None)

    def request_one(self, inputs: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
        """Direct IO: the outputs for one sample, one flat array per output hexagon."""
        self._require_sized_outputs()  # before _one sizes the inputs: a refusal changes nothing
        return {name: out[0] for name, out in self.request(self._one(inputs)).items()}

    def _require_sized_outputs(self) -> None:
        unsized = [name for name, size in self.output_sizes.items() if size == 0]
        if unsized:
            raise EngineError(f"the output hexagon '{unsized[0]}' has no size yet: train first")

    # checkpoints

    def state(self) -> dict[str, np.ndarray]:
        """Everything learned, as named arrays (``numpy.savez`` stores them without pickling)."""
        self.solve()
        state = {
            "format": np.array([STATE_FORMAT]),
            "layout": np.array(self._layout()),
            "seed": np.array([self.seed]),
            "rows_trained": np.array([self.rows_trained]),
            "pooled": np.array([self._pooled]),
            "gammas": self._gammas,
            "gram": self._gram,
        }
        for name in self.input_sizes:
            state[f"pool.{name}"] = self._pool[name]
            frozen = [self._scales[name]] if name in self._scales else []
            state[f"scale.{name}"] = np.array(frozen, np.float64)
        for name in self.output_sizes:
            state[f"targets.{name}"] = self._targets[name]
            state[f"cross.{name}"] = self._cross[name]
            state[f"weights.{name}"] = self._weights[name]
        return {key: value.copy() for key, value in state.items()}

    @classmethod
    def from_state(cls, template: ClusterTemplate, state: Mapping[str, np.ndarray]) -> Network:
        """The network ``state()`` described; EngineError when it belongs to another template."""
        try:
            network = cls(template, int(state["seed"][0]))
            if int(state["format"][0]) != STATE_FORMAT:
                raise ValueError("format")
            if [str(line) for line in state["layout"]] != network._layout():
                raise ValueError("layout")
            network._load(state)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise EngineError("the checkpoint does not fit this cluster's template") from error
        return network

    # internals

    def _neurons(self) -> list[int]:
        """Neurons per hidden block right now."""
        pooled = self._pooled
        return [
            int(min(max(pooled - start, 0), b.width))
            for start, b in zip(self._offsets, self.topology.blocks, strict=False)
        ]

    def _layout(self) -> list[str]:
        """What a checkpoint must agree on: interface names and flags, block places and widths."""
        return (
            [f"in {i.name} {i.flag}" for i in self.template.inputs]
            + [f"out {o.name} {o.flag}" for o in self.template.outputs]
            + [f"block {b.position} {b.inputs} {b.width}" for b in self.topology.blocks]
        )

    def _load(self, state: Mapping[str, np.ndarray]) -> None:
        """Copy the arrays of a checked state into this network."""
        self.rows_trained = int(state["rows_trained"][0])
        self._pooled = int(state["pooled"][0])
        gammas = np.array(state["gammas"], np.float32)
        gram = np.array(state["gram"], np.float64)
        if gammas.shape != self._gammas.shape or gram.shape != self._gram.shape:
            raise ValueError("shape")
        self._gammas, self._gram = gammas, gram
        for name in self.input_sizes:
            self._pool[name] = np.array(state[f"pool.{name}"], np.float32)
            self.input_sizes[name] = self._pool[name].shape[1]
            for scale in state[f"scale.{name}"]:
                self._scales[name] = float(scale)
        for name in self.output_sizes:
            self._targets[name] = np.array(state[f"targets.{name}"], np.float32)
            self._cross[name] = np.array(state[f"cross.{name}"], np.float64)
            self._weights[name] = np.array(state[f"weights.{name}"], np.float32)
            self.output_sizes[name] = self._weights[name].shape[1]
        if any(len(p) != self._pooled for p in self._pool.values()):
            raise ValueError("pool")

    @staticmethod
    def _known(name: str, sizes: Mapping[str, int], kind: str) -> None:
        """Raise EngineError for a name the template does not declare."""
        if name not in sizes:
            raise EngineError(f"the cluster has no {kind} hexagon named '{name}'")

    def _table(self, name: str, values: np.ndarray, sizes: dict[str, int], kind: str) -> np.ndarray:
        """A (rows, width) float32 table whose width fits the hexagon's size once it has one."""
        self._known(name, sizes, kind)
        table = np.asarray(values, dtype=np.float32)
        if table.ndim != 2:
            raise EngineError(f"the values for the {kind} hexagon '{name}' must be (rows, width)")
        if sizes[name] and table.shape[1] != sizes[name]:
            raise EngineError(
                f"the {kind} hexagon '{name}' has {sizes[name]} values, "
                f"got {table.shape[1]} columns"
            )
        return table

    def _tables(
        self, tables: Mapping[str, np.ndarray], sizes: dict[str, int], kind: str
    ) -> dict[str, np.ndarray]:
        """Checked tables for named input or output hexagons."""
        return {name: self._table(name, v, sizes, kind) for name, v in tables.items()}

    @staticmethod
    def _rows(tables: list[np.ndarray]) -> int:
        """The row count all tables share (0 without tables)."""
        counts = {len(v) for v in tables}
        if len(counts) > 1:
            raise EngineError("all inputs and expected values must have the same number of rows")
        return counts.pop() if counts else 0

    def _prepared(self, x: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Input tables prepared by their flags; inputs seen for the first time take their width."""
        for name, v in x.items():
            if self.input_sizes[name] == 0:
                self.resize_input(name, v.shape[1])
        return {name: prepare(v, self._flags[name]) for name, v in x.items()}

    def _one(self, inputs: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
        """One direct-IO sample as one-row tables, zero-padded to the inputs' sizes."""
        rows = {}
        for name, values in inputs.items():
            self._known(name, self.input_sizes, "input")
            self.resize_input(name, len(values))
            row = np.zeros((1, self.input_sizes[name]), np.float32)
            row[0, : len(values)] = values
            rows[name] = row
        return rows

    def _complete(self, x: Mapping[str, np.ndarray], rows: int) -> dict[str, np.ndarray]:
        """Every input present, missing ones as zero rows."""
        return {
            name: x[name] if name in x else np.zeros((rows, size), np.float32)
            for name, size in self.input_sizes.items()
        }

    def _batches(
        self,
        rows: int,
        work: Callable[[int, int], None],
        progress: Progress | None,
        should_stop: Stop | None,
        batch_size: int | None,
    ) -> int:
        """Run ``work`` over row ranges, reporting rows done and honouring ``should_stop``."""
        size = batch_size or max(64, BATCH_CELLS // (self.capacity + 1))
        done = 0
        while done < rows:
            if should_stop is not None and should_stop():
                break
            stop = min(rows, done + size)
            work(done, stop)
            done = stop
            if progress is not None:
                progress(done)
        return done

    def _learn(self, x: dict[str, np.ndarray], y: dict[str, np.ndarray], rows: int) -> None:
        """Pool rows until every hidden neuron exists, then add the rest to the statistics."""
        x = self._complete(x, rows)
        take = min(rows, self.capacity - self._pooled)
        if take > 0:
            for name in self._pool:
                self._pool[name] = np.concatenate([self._pool[name], x[name][:take]])
            for name in self._targets:
                self._targets[name] = np.concatenate([self._targets[name], y[name][:take]])
            self._pooled += take
            if self._pooled == self.capacity:
                self._gram, self._cross = self._pool_statistics(freeze=True)
                self._targets = {n: v[:0] for n, v in self._targets.items()}
        if take < rows:
            rest = {n: v[take:] for n, v in x.items()}
            add_rows(
                self._gram,
                self._cross,
                self._features(rest, rows - take),
                {n: v[take:] for n, v in y.items()},
                self._decay,
            )
        self.rows_trained += rows
        self._stale = True

    def _scale(self, name: str) -> float:
        """An input's fixed scale once the pool is full, else the pool's current one."""
        if name in self._scales:
            return self._scales[name]
        return input_scale(self._pool[name])

    def _features(self, x: Mapping[str, np.ndarray], rows: int) -> np.ndarray:
        """Hidden activity of every created neuron for a batch; the last column is the bias (1)."""
        x = self._complete(x, rows)
        if not self.topology.blocks:
            return np.ones((rows, 1), np.float32)
        scales = {name: self._scale(name) for name in self.input_sizes}
        columns = [
            activity(
                normalise(x, self._flags, scales, block.inputs)[0], matrix, count, self._refractory
            )
            for block, matrix, count in zip(
                self.topology.blocks, self._synapses(), self._neurons(), strict=True
            )
        ]
        return columns[0] if len(columns) == 1 else np.concatenate(columns, axis=1)

    def _synapses(self) -> list[np.ndarray]:
        """Each block's hidden synapse matrix (cached once the blocks are full)."""
        if self._matrices is not None:
            return self._matrices
        scales = {name: self._scale(name) for name in self.input_sizes}
        last = len(self.topology.blocks) - 1
        matrices = []
        for index, (start, count, block) in enumerate(
            zip(self._offsets, self._neurons(), self.topology.blocks, strict=False)
        ):
            pool = {n: self._pool[n][start : start + count] for n in block.inputs}
            centres, factor = normalise(pool, self._flags, scales, block.inputs)
            gammas = self._gammas[start : start + count]
            matrices.append(synapses(centres, gammas, factor, bias=index == last))
        if self._pooled == self.capacity:
            self._matrices = matrices
        return matrices

    def _pool_statistics(self, freeze: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Statistics of the pooled rows alone (they were the only rows learned so far)."""
        if freeze:
            self._scales = {name: input_scale(self._pool[name]) for name in self.input_sizes}
        features = self._features(self._pool, self._pooled)
        width = features.shape[1]
        gram = np.zeros((width, width))
        cross = {n: np.zeros((width, v.shape[1])) for n, v in self._targets.items()}
        if len(features):
            add_rows(gram, cross, features, self._targets, self._decay)
        return gram, cross

    def _columns(self, output: int) -> np.ndarray:
        """Feature columns (created neurons of the blocks it reads, then bias) of one output."""
        counts = self._neurons()
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        picked = [
            np.arange(starts[b], starts[b] + counts[b]) for b in self.topology.readers[output]
        ]
        return np.concatenate([*picked, [starts[-1]]]).astype(int)

    def solve(self) -> None:
        """Derive the output synapses from the statistics now, if anything changed since."""
        if not self._stale:
            return
        full = self._pooled == self.capacity
        gram, cross = (self._gram, self._cross) if full else self._pool_statistics(freeze=False)
        for index, name in enumerate(self.output_sizes):
            self._weights[name] = solve(gram, cross[name], self._columns(index), self._prune)
        self._stale = False

    def _forward(self, x: Mapping[str, np.ndarray], rows: int) -> dict[str, np.ndarray]:
        """Output values for a prepared batch, post-processed by each output's type."""
        features = self._features(x, rows)
        outputs = {}
        for index, name in enumerate(self.output_sizes):
            columns = self._columns(index)
            reads = features if len(columns) == features.shape[1] else features[:, columns]
            outputs[name] = _as_type(reads @ self._weights[name], self._kinds[name])
        return outputs


def _fit_columns(table: np.ndarray, size: int) -> np.ndarray:
    """``table`` cut or zero-padded to ``size`` columns."""
    fitted = np.zeros((table.shape[0], size), table.dtype)
    keep = min(size, table.shape[1])
    fitted[:, :keep] = table[:, :keep]
    return fitted


def _as_type(values: np.ndarray, kind: str) -> np.ndarray:
    """Output post-processing: ``bool`` thresholds at 0.5, ``int`` rounds, others stay as is."""
    if kind == "bool":
        return (values >= 0.5).astype(np.float32)
    if kind == "int":
        return np.rint(values)
    return values
