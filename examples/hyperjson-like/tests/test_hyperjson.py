import pytest

import hyperjson


def test_count_primes():
    assert hyperjson.count_primes(10) == 4
    assert hyperjson.count_primes(1_000_000) == 78_498


def test_is_prime():
    assert [n for n in range(20) if hyperjson.is_prime(n)] == [2, 3, 5, 7, 11, 13, 17, 19]


def test_negative_limit_is_a_type_error():
    with pytest.raises(OverflowError):
        hyperjson.count_primes(-1)
