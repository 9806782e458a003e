from portal.navi.bits import any_of, mask_of, positions_of


def test_mask_round_trip_and_popcount():
    positions = [0, 1, 7, 8, 63, 64, 1000, 9999]
    mask = mask_of(positions)
    assert positions_of(mask) == positions
    assert mask.bit_count() == len(positions)
    assert mask_of([]) == 0 and positions_of(0) == []


def test_any_of_is_union():
    assert positions_of(any_of([mask_of([1, 3]), mask_of([3, 5])])) == [1, 3, 5]
