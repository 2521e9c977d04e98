"""The learning engine on its own: sizing, learning, progress, stopping, state and settings."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from hanami_client.template.model import ClusterTemplate, Interface, Settings
from hanami_server.engine import EngineError, Network
from hanami_server.engine.features import activity, synapses

DATA = Path(__file__).resolve().parent.parent / "data" / "mnist-5k"
ROW = ((1, 1, 1), (2, 1, 1), (3, 1, 1))


def template(
    settings: Settings | None = None,
    hexagons: tuple = ROW,
    inputs: tuple = (("pixels", (1, 1, 1), ""),),
    outputs: tuple = (("digit", (3, 1, 1), ""),),
    axons: tuple = (),
) -> ClusterTemplate:
    """A parsed template built directly (default: the upstream test shape)."""
    return ClusterTemplate(
        settings or Settings(neuron_cooldown=100000.0, refractory_time=1),
        hexagons,
        axons,
        tuple(Interface(*i) for i in inputs),
        tuple(Interface(*o) for o in outputs),
    )


def read_idx(images: str, labels: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw pixels 0..255 as floats and labels of an idx pair."""
    raw = (DATA / images).read_bytes()
    count = int(np.frombuffer(raw, ">u4", 1, 4)[0])
    pixels = np.frombuffer(raw, np.uint8, count * 784, 16).reshape(count, 784)
    labelled = np.frombuffer((DATA / labels).read_bytes(), np.uint8, count, 8)
    return pixels.astype(np.float32), labelled


@pytest.fixture(scope="module")
def mnist() -> dict[str, np.ndarray]:
    """mnist-5k: 4,000 training rows with one-hot labels, 1,000 test rows with labels."""
    x, y = read_idx("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    tx, ty = read_idx("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    return {"x": x, "y": np.eye(10, dtype=np.float32)[y], "tx": tx, "ty": ty}


def accuracy(network: Network, mnist: dict[str, np.ndarray]) -> float:
    """Share of test rows whose argmax is the label."""
    digits = network.request({"pixels": mnist["tx"]})["digit"]
    return float(np.mean(np.argmax(digits, axis=1) == mnist["ty"]))


def trained(mnist: dict[str, np.ndarray], rows: int = 1000, **kwargs: object) -> Network:
    """A network of the upstream shape after one pass over the first training rows."""
    network = Network.from_template(template(**kwargs))
    network.train({"pixels": mnist["x"][:rows]}, {"digit": mnist["y"][:rows]})
    return network


def test_one_pass_on_mnist_learns_digits_far_above_chance(mnist: dict[str, np.ndarray]) -> None:
    network = trained(mnist, rows=4000)
    assert accuracy(network, mnist) > 0.9


def test_more_passes_do_not_get_worse(mnist: dict[str, np.ndarray]) -> None:
    network = trained(mnist, rows=2000)
    once = accuracy(network, mnist)
    network.train({"pixels": mnist["x"][:2000]}, {"digit": mnist["y"][:2000]})
    assert network.rows_trained == 4000
    assert accuracy(network, mnist) >= once - 0.005


def test_first_train_sizes_inputs_and_outputs(mnist: dict[str, np.ndarray]) -> None:
    network = trained(mnist, rows=50)
    assert network.input_sizes == {"pixels": 784}
    assert network.output_sizes == {"digit": 10}
    result = network.request({"pixels": mnist["tx"][:7]})
    assert result["digit"].shape == (7, 10)
    assert result["digit"].dtype == np.float32


def test_request_before_training_asks_to_train_first() -> None:
    network = Network.from_template(template())
    message = "the output hexagon 'digit' has no size yet: train first"
    with pytest.raises(EngineError, match=message):
        network.request({"pixels": np.zeros((2, 784), np.float32)})


def test_a_refused_direct_request_leaves_the_inputs_unsized() -> None:
    network = Network.from_template(template())
    with pytest.raises(EngineError, match="has no size yet"):
        network.request_one({"pixels": [1.0, 2.0]})
    assert network.input_sizes == {"pixels": 0}


def test_sized_but_untrained_network_answers_zeros() -> None:
    network = Network.from_template(template())
    network.resize_output("digit", 3)
    result = network.request({"pixels": np.ones((2, 5), np.float32)})
    assert np.array_equal(result["digit"], np.zeros((2, 3), np.float32))


def test_widths_other_than_the_sizes_are_refused(mnist: dict[str, np.ndarray]) -> None:
    network = trained(mnist, rows=20)
    before = network.state()
    with pytest.raises(EngineError, match="'pixels' has 784 values, got 100 columns"):
        network.train({"pixels": mnist["x"][:5, :100]}, {"digit": mnist["y"][:5]})
    with pytest.raises(EngineError, match="'digit' has 10 values, got 9 columns"):
        network.train({"pixels": mnist["x"][:5]}, {"digit": mnist["y"][:5, :9]})
    with pytest.raises(EngineError, match="same number of rows"):
        network.train({"pixels": mnist["x"][:5]}, {"digit": mnist["y"][:4]})
    with pytest.raises(EngineError, match="'pixels' has 784 values, got 783 columns"):
        network.request({"pixels": mnist["tx"][:5, 1:]})
    after = network.state()
    assert all(np.array_equal(before[key], after[key]) for key in before)


def test_unknown_hexagons_and_missing_expected_values_are_refused() -> None:
    network = Network.from_template(template())
    with pytest.raises(EngineError, match="no input hexagon named 'picture'"):
        network.train({"picture": np.zeros((1, 4))}, {"digit": np.zeros((1, 2))})
    with pytest.raises(EngineError, match="for the output hexagon 'digit'"):
        network.train({"pixels": np.zeros((1, 4))}, {})
    with pytest.raises(EngineError, match="must be \\(rows, width\\)"):
        network.train({"pixels": np.zeros(4)}, {"digit": np.zeros((1, 2))})
    assert network.input_sizes == {"pixels": 0}


def test_same_seed_gives_identical_outputs_and_another_seed_differs(
    mnist: dict[str, np.ndarray],
) -> None:
    outputs = []
    for seed in (7, 7, 8):
        network = Network.from_template(template(), seed=seed)
        network.train({"pixels": mnist["x"][:300]}, {"digit": mnist["y"][:300]})
        outputs.append(network.request({"pixels": mnist["tx"][:50]})["digit"])
    assert np.array_equal(outputs[0], outputs[1])
    assert not np.array_equal(outputs[0], outputs[2])


def test_progress_counts_rows_and_ends_at_the_total(mnist: dict[str, np.ndarray]) -> None:
    network = Network.from_template(template())
    seen: list[int] = []
    done = network.train(
        {"pixels": mnist["x"][:1050]},
        {"digit": mnist["y"][:1050]},
        progress=seen.append,
        batch_size=100,
    )
    assert done == 1050
    assert seen == [*range(100, 1001, 100), 1050]
    seen.clear()
    result = network.request({"pixels": mnist["tx"][:250]}, progress=seen.append, batch_size=100)
    assert seen == [100, 200, 250]
    assert len(result["digit"]) == 250


def test_should_stop_ends_the_pass_early(mnist: dict[str, np.ndarray]) -> None:
    network = Network.from_template(template())
    seen: list[int] = []
    done = network.train(
        {"pixels": mnist["x"][:1000]},
        {"digit": mnist["y"][:1000]},
        progress=seen.append,
        should_stop=lambda: len(seen) >= 3,
        batch_size=100,
    )
    assert done == 300
    assert seen == [100, 200, 300]
    assert network.rows_trained == 300
    result = network.request(
        {"pixels": mnist["tx"][:1000]}, should_stop=lambda: True, batch_size=100
    )
    assert result["digit"].shape == (0, 10)


def test_state_round_trip_gives_identical_outputs(mnist: dict[str, np.ndarray]) -> None:
    network = trained(mnist, rows=1500)
    buffer = io.BytesIO()
    np.savez(buffer, **network.state())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as stored:
        restored = Network.from_state(template(), dict(stored))
    probe = {"pixels": mnist["tx"][:200]}
    assert np.array_equal(network.request(probe)["digit"], restored.request(probe)["digit"])
    assert restored.number_of_blocks == network.number_of_blocks
    assert restored.number_of_sections == network.number_of_sections
    more = {"pixels": mnist["x"][1500:1700]}, {"digit": mnist["y"][1500:1700]}
    network.train(*more)
    restored.train(*more)
    assert np.array_equal(network.request(probe)["digit"], restored.request(probe)["digit"])


def test_state_while_the_hidden_layer_still_grows_round_trips(
    mnist: dict[str, np.ndarray],
) -> None:
    network = trained(mnist, rows=40)
    restored = Network.from_state(template(), network.state())
    probe = {"pixels": mnist["tx"][:20]}
    assert np.array_equal(network.request(probe)["digit"], restored.request(probe)["digit"])


def test_state_of_another_template_is_refused(mnist: dict[str, np.ndarray]) -> None:
    state = trained(mnist, rows=30).state()
    other = template(outputs=(("label", (3, 1, 1), ""),))
    with pytest.raises(EngineError, match="does not fit"):
        Network.from_state(other, state)
    wider = template(Settings(neuron_cooldown=100000.0, max_connection_distance=2))
    with pytest.raises(EngineError, match="does not fit"):
        Network.from_state(wider, state)


def test_direct_io_single_samples_learn_and_answer() -> None:
    network = Network.from_template(template(inputs=(("pixels", (1, 1, 1), ""),)))
    samples = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    for values, expected in samples:
        network.train_one({"pixels": values}, {"digit": expected})
    for values, expected in samples:
        answer = network.request_one({"pixels": values})["digit"]
        assert answer.shape == (1,)
        assert abs(float(answer[0]) - expected[0]) < 0.1


def test_direct_io_grows_inputs_and_takes_the_last_expected_size() -> None:
    network = Network.from_template(template())
    network.train_one({"pixels": [1.0, 2.0]}, {"digit": [1.0, 0.0, 0.0]})
    network.train_one({"pixels": [1.0, 2.0, 3.0]}, {"digit": [0.0, 1.0]})
    assert network.input_sizes == {"pixels": 3}
    assert network.output_sizes == {"digit": 2}
    network.resize_input("pixels", 1)
    assert network.input_sizes == {"pixels": 3}
    assert network.request_one({"pixels": [1.0]})["digit"].shape == (2,)


def test_several_inputs_and_outputs_learn_their_own_targets() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.random((400, 3), dtype=np.float32), rng.random((400, 2), dtype=np.float32)
    total = (a.sum(axis=1) + b.sum(axis=1))[:, None]
    first = a[:, :1] * 4.0
    network = Network.from_template(
        template(
            hexagons=((1, 1, 1), (1, 2, 1), (2, 1, 1), (3, 1, 1), (3, 2, 1)),
            inputs=(("a", (1, 1, 1), ""), ("b", (1, 2, 1), "")),
            outputs=(("total", (3, 1, 1), "float"), ("first", (3, 2, 1), "")),
        )
    )
    network.train({"a": a[:300], "b": b[:300]}, {"total": total[:300], "first": first[:300]})
    result = network.request({"a": a[300:], "b": b[300:]})
    assert result["total"].shape == (100, 1)
    assert result["first"].shape == (100, 1)
    assert float(np.abs(result["total"] - total[300:]).mean()) < 0.1
    assert float(np.abs(result["first"] - first[300:]).mean()) < 0.1


def test_output_types_post_process_the_values(mnist: dict[str, np.ndarray]) -> None:
    results = {}
    for kind in ("", "bool", "int", "float"):
        network = trained(mnist, rows=200, outputs=(("digit", (3, 1, 1), kind),))
        results[kind] = network.request({"pixels": mnist["tx"][:100]})["digit"]
    assert set(np.unique(results["bool"])) <= {0.0, 1.0}
    assert np.array_equal(results["bool"], (results[""] >= 0.5).astype(np.float32))
    assert np.array_equal(results["int"], np.rint(results[""]))
    assert np.array_equal(results["float"], results[""])


def test_binary_and_match_inputs_ignore_magnitude(mnist: dict[str, np.ndarray]) -> None:
    for flag, same in (("binary", True), ("match", True), ("", False)):
        network = trained(mnist, rows=200, inputs=(("pixels", (1, 1, 1), flag),))
        dim = network.request({"pixels": mnist["tx"][:20] * 0.5})["digit"]
        bright = network.request({"pixels": mnist["tx"][:20]})["digit"]
        assert np.allclose(dim, bright, atol=1e-4) == same, flag


def test_counters_start_at_zero_and_grow_while_training(mnist: dict[str, np.ndarray]) -> None:
    network = Network.from_template(template())
    assert (network.number_of_blocks, network.number_of_sections) == (0, 0)
    network.train({"pixels": mnist["x"][:100]}, {"digit": mnist["y"][:100]})
    assert network.hidden_neurons == 100
    assert network.number_of_blocks == 2
    small = network.number_of_sections
    assert small > 0
    network.train({"pixels": mnist["x"][100:2000]}, {"digit": mnist["y"][100:2000]})
    assert network.hidden_neurons == 1024
    assert network.number_of_blocks == 16
    assert network.number_of_sections > small


def test_reduction_prunes_weak_output_synapses(mnist: dict[str, np.ndarray]) -> None:
    plain = trained(mnist, rows=500)
    reduced = trained(mnist, rows=500, settings=Settings(enable_reduction=True))
    assert reduced.number_of_sections < plain.number_of_sections


def test_short_cooldown_forgets_older_rows() -> None:
    rows = np.ones((40, 2), np.float32)
    means = {}
    for cooldown in (2.0, 1e9):
        network = Network.from_template(template(Settings(neuron_cooldown=cooldown)))
        network.train({"pixels": rows}, {"digit": np.zeros((40, 1), np.float32)})
        network.train({"pixels": rows}, {"digit": np.ones((40, 1), np.float32)})
        means[cooldown] = float(network.request({"pixels": rows[:1]})["digit"][0, 0])
    assert means[2.0] > 0.95
    assert abs(means[1e9] - 0.5) < 0.05


def test_refractory_time_lets_only_the_most_active_neurons_fire() -> None:
    rng = np.random.default_rng(0)
    centres = rng.random((40, 5), dtype=np.float32)
    matrix = synapses(centres, np.full(40, 2.0, np.float32), 1.0, bias=True)
    rows = rng.random((6, 5), dtype=np.float32)
    dense = activity(rows, matrix, 40, 1)
    sparse = activity(rows, matrix, 40, 4)
    assert np.count_nonzero(dense[:, :40], axis=1).tolist() == [40] * 6
    assert np.count_nonzero(sparse[:, :40], axis=1).tolist() == [10] * 6
    assert np.array_equal(sparse[:, 40], np.ones(6, np.float32))


def test_axons_and_paths_place_the_hidden_blocks() -> None:
    example_b = template(
        Settings(max_connection_distance=2),
        hexagons=((1, 1, 1), (2, 1, 1), (5, 1, 1), (6, 1, 1)),
        axons=(((2, 1, 1), (5, 1, 1)),),
        inputs=(("pixels", (1, 1, 1), "binary"), ("extra", (2, 1, 1), "")),
        outputs=(("digit", (6, 1, 1), "float"),),
    )
    blocks = Network.from_template(example_b).topology.blocks
    assert [(b.position, b.inputs, b.width) for b in blocks] == [
        ((5, 1, 1), ("pixels", "extra"), 2048)
    ]
    example_a = template(
        hexagons=((1, 1, 1), (2, 1, 1)),
        inputs=(("sensor", (1, 1, 1), ""),),
        outputs=(("result", (2, 1, 1), ""),),
    )
    blocks = Network.from_template(example_a).topology.blocks
    assert [(b.position, b.inputs) for b in blocks] == [((2, 1, 1), ("sensor",))]


def test_an_output_no_input_reaches_learns_only_its_mean() -> None:
    network = Network.from_template(
        template(hexagons=((1, 1, 1), (9, 9, 9)), outputs=(("far", (9, 9, 9), ""),))
    )
    assert network.topology.blocks == ()
    x = np.random.default_rng(1).random((30, 4), dtype=np.float32)
    network.train({"pixels": x}, {"far": np.full((30, 2), 3.0, np.float32)})
    answer = network.request({"pixels": x[:3]})["far"]
    assert np.allclose(answer, 3.0, atol=1e-3)
