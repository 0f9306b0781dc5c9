// Gather kernels: Column.take(indices) (any type, nested included: list and map children are
// gathered by their offset ranges) and Column.filter(selection). Indices must be in range
// (a programmer error otherwise, checked by Swift's bounds checks).

extension Column {
    /// Rows `indices[0]`, `indices[1]`, … of this column (repeats allowed).
    public func take(_ indices: [Int32]) -> Column {
        let v = validity.map { $0.gather(indices) }?.nilIfAllSet
        let s: ColumnStorage
        switch storage {
        case let .bool(a): s = .bool(indices.map { a[Int($0)] })
        case let .int8(a): s = .int8(indices.map { a[Int($0)] })
        case let .int16(a): s = .int16(indices.map { a[Int($0)] })
        case let .int32(a): s = .int32(indices.map { a[Int($0)] })
        case let .int64(a): s = .int64(indices.map { a[Int($0)] })
        case let .float(a): s = .float(indices.map { a[Int($0)] })
        case let .double(a): s = .double(indices.map { a[Int($0)] })
        case let .int128(a): s = .int128(indices.map { a[Int($0)] })
        case let .bytes(o, d):
            let (offsets, data) = Column.takeBytes(o, d, indices)
            s = .bytes(offsets: offsets, data: data)
        case let .structure(children): s = .structure(children.map { $0.take(indices) })
        case let .list(o, child):
            let (offsets, rows) = Column.takeRanges(o, indices)
            s = .list(offsets: offsets, child: child.take(rows))
        case let .map(o, keys, values):
            let (offsets, rows) = Column.takeRanges(o, indices)
            s = .map(offsets: offsets, keys: keys.take(rows), values: values.take(rows))
        }
        return Column(type: type, count: indices.count, validity: v, storage: s)
    }

    /// The rows whose bit is set in `selection` (which has one bit per row).
    public func filter(_ selection: Bitmap) -> Column {
        precondition(selection.count == count, "selection has \(selection.count) bits for \(count) rows")
        if selection.allSet { return self }
        return take(selection.setIndices)
    }

    static func takeBytes(_ o: [Int32], _ d: [UInt8], _ indices: [Int32]) -> ([Int32], [UInt8]) {
        var offsets = [Int32](repeating: 0, count: indices.count + 1)
        var total = 0
        for (k, i) in indices.enumerated() {
            total += Int(o[Int(i) + 1] - o[Int(i)])
            offsets[k + 1] = Int32(truncatingIfNeeded: total)
        }
        precondition(total <= Int(Int32.max), "gathered byte column exceeds 2 GiB")
        var data: [UInt8] = []
        data.reserveCapacity(total)
        for i in indices { data.append(contentsOf: d[Int(o[Int(i)]) ..< Int(o[Int(i) + 1])]) }
        return (offsets, data)
    }

    /// New offsets for the gathered rows and the child rows they cover.
    static func takeRanges(_ o: [Int32], _ indices: [Int32]) -> ([Int32], [Int32]) {
        var offsets = [Int32](repeating: 0, count: indices.count + 1)
        var rows: [Int32] = []
        for (k, i) in indices.enumerated() {
            rows.append(contentsOf: o[Int(i)] ..< o[Int(i) + 1])
            offsets[k + 1] = Int32(truncatingIfNeeded: rows.count)
        }
        return (offsets, rows)
    }
}
