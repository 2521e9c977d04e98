"""The learning engine: a cluster template's hexagons as a one-pass learner (numpy only).

API::

    network = Network.from_template(template, seed=0)
    network.resize_input(name, n)        # grow an input hexagon to >= n values (never shrinks)
    network.resize_output(name, n)       # set an output hexagon to exactly n values
    done = network.train(inputs, expected, progress=..., should_stop=..., batch_size=None)
    outputs = network.request(inputs, progress=..., should_stop=..., batch_size=None)
    network.train_one(inputs, expected); network.request_one(inputs)   # direct IO, one sample
    network.solve()                      # solve the outputs now (train_one leaves it to later)
    state = network.state(); Network.from_state(template, state)       # checkpoints
    network.layout                       # the shape a checkpoint must have to be restored
    network.number_of_blocks; network.number_of_sections; network.rows_trained

``inputs``/``expected`` map hexagon names to ``(rows, width)`` arrays. ``train`` is exactly one
pass over the rows in mini-batches, then it solves the output synapses (``train_one`` leaves
that to the next request or ``state()``, so direct-IO samples stay cheap). ``progress(rows)`` is
called after each batch (a few tens of ms of work at the default batch size) and ends at the
row count, unless ``should_stop()`` returned true before a batch: the pass then stops there and
``train`` returns the rows learned. ``request`` returns one output row per input row (only the
rows done when stopped).

Sizes: an input or output without a size takes the width of the first table or direct-IO vector
it gets; afterwards a table of another width raises ``EngineError``. Direct IO grows inputs to
the values given (shorter vectors are zero-padded) and gives an output the size of the last
expected vector (contract 3.2). Inputs left out of a call are zeros; training needs expected
values for every output hexagon. ``request`` before an output has a size raises ``EngineError``;
a sized but untrained network answers zeros. Bad input raises ``EngineError`` (a ``ValueError``)
before anything is learned, so a server can answer 400.

How the template becomes the network:

- Hexagons touch when their positions differ by at most 1 in every coordinate; signals flow from
  a hexagon to the hexagons it touches, except that an axon ``A -> B`` redirects A's outgoing
  links to B only. Every hexagon on a shortest path from an input hexagon to an output hexagon
  (that is neither an input nor an output) becomes a hidden block whose neurons see those input
  hexagons. An output with no hidden hexagon on its paths hosts its own hidden block; an output
  no input reaches learns only a constant (the weighted mean of its expected values). Other
  hexagons stay unused.
- A hidden neuron is a Gaussian unit ``exp(-gamma * |x - c|^2)`` around a centre ``c``: the
  first training rows become the centres (one neuron per row, blocks filled in hexagon order),
  so the hidden layer grows while training until every block is full; ``gamma`` is 2 times a
  per-neuron factor drawn log-uniformly from [1/2, 2] with ``seed`` (the only randomness: a
  fixed seed and the same rows give identical results on one machine). Before the blocks are
  full the network is exact kernel ridge regression over the rows seen.
- The outputs are linear in the hidden activity plus a bias: a ridge regression (ridge 1e-4
  times the mean diagonal) solved from accumulated sufficient statistics (``Fᵀ F``, ``Fᵀ Y``),
  so one pass learns in closed form and further passes add to the statistics (never reset).

Settings:

- ``max_connection_distance`` d: each hidden hexagon holds ``1024 * d`` neurons, with at most
  4096 hidden neurons in the whole network (shared evenly when more hexagons are hidden).
- ``neuron_cooldown`` c: memory of the statistics; older rows fade by ``1 - 1/c`` per row
  learned (exponential forgetting of recursive least squares). 100000 remembers ~100k rows.
- ``refractory_time`` r: only the ``1/r`` most active neurons of each block fire for a row, the
  others are silent (1 = all fire; larger = sparser, more local hidden code).
- ``enable_reduction``: each time the outputs are solved, output synapses weaker than 1 % of the
  strongest of that output are pruned to zero (fewer sections in use).
- input ``(binary)``: values > 0 become 1 before anything else. ``(match)``: each row of the
  input is scaled to unit length, so neurons match its pattern, not its magnitude. Plain inputs
  are divided by one fixed scale (the RMS row length of the centre rows), so that several inputs
  of a block count equally.
- output plain and ``(float)``: the learned value as a float per neuron (upstream bit-packs
  32 neurons into one float; we keep one value per neuron so widths match the expected data).
  ``(bool)``: 1.0 where the value is >= 0.5, else 0.0. ``(int)``: the value rounded to an integer.

Counters: ``number_of_blocks`` = hidden neurons created so far, in blocks of 64 per hidden
hexagon; ``number_of_sections`` = non-zero output synapses as of the last solve, in sections of
64 per output. Both are 0 on creation and grow while training. Reading them is a plain read,
safe while another thread trains; every other call must come from one thread at a time.

Checkpoints: ``state()`` holds every array (centres, statistics, synapses) under plain names
(``numpy.savez`` stores them without pickling), so ``from_state`` answers exactly like the saved
network; a state whose inputs, outputs, flags or hidden blocks differ from the template's raises
``EngineError`` (settings that do not shape the network, such as ``neuron_cooldown``, may differ).
"""

from __future__ import annotations

from hanami_server.engine.errors import EngineError
from hanami_server.engine.network import Network

__all__ = ["EngineError", "Network"]
