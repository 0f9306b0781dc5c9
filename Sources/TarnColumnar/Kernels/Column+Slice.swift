// Column.slice(range): a contiguous run of rows as a new column with offsets rebased to 0, for
// every type (list and map children are sliced to the rows' offset range).

extension Column {
    /// Rows `range` (within 0..<count).
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) of \(count) rows")
        let v = validity.map { $0.slice(range) }?.nilIfAllSet
        let s: ColumnStorage
        switch storage {
        case let .bool(a): s = .bool(Array(a[range]))
        case let .int8(a): s = .int8(Array(a[range]))
        case let .int16(a): s = .int16(Array(a[range]))
        case let .int32(a): s = .int32(Array(a[range]))
        case let .int64(a): s = .int64(Array(a[range]))
        case let .float(a): s = .float(Array(a[range]))
        case let .double(a): s = .double(Array(a[range]))
        case let .int128(a): s = .int128(Array(a[range]))
        case let .bytes(o, d):
            let (offsets, lo, hi) = Column.rebase(o, range)
            s = .bytes(offsets: offsets, data: Array(d[lo ..< hi]))
        case let .structure(children): s = .structure(children.map { $0.slice(range) })
        case let .list(o, child):
            let (offsets, lo, hi) = Column.rebase(o, range)
            s = .list(offsets: offsets, child: child.slice(lo ..< hi))
        case let .map(o, keys, values):
            let (offsets, lo, hi) = Column.rebase(o, range)
            s = .map(offsets: offsets, keys: keys.slice(lo ..< hi), values: values.slice(lo ..< hi))
        }
        return Column(type: type, count: range.count, validity: v, storage: s)
    }

    /// Offsets of `range` shifted to start at 0, and the child / data range they cover.
    static func rebase(_ o: [Int32], _ range: Range<Int>) -> ([Int32], Int, Int) {
        let base = o[range.lowerBound]
        let offsets = o[range.lowerBound ... range.upperBound].map { $0 - base }
        return (offsets, Int(base), Int(o[range.upperBound]))
    }
}
