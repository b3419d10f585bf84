/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.slotwise.buffer;

import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One write held by the {@link WriteStore}: what it writes, how it is replayed, and until
 * when it is worth replaying. Immutable; the store merges writes by making new ones.
 *
 * @param key the key, or for a {@link Kind#DELETE_PREFIX} the prefix of the keys it
 * deletes
 * @param value the value a put sets, or {@code null} for a delete
 * @param kind how a put is replayed
 * @param deleteFirst whether the key is deleted before the put (a delete buffered earlier
 * for the key, which must not be lost), always {@code true} for a delete
 * @param deadline when a put's time to live ends (epoch milliseconds), {@code 0} for none
 */
record BufferedWrite(byte[] key, byte @Nullable [] value, Kind kind, boolean deleteFirst, long deadline) {

	BufferedWrite {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
		if ((kind == Kind.DELETE || kind == Kind.DELETE_PREFIX) != (value == null)) {
			throw new IllegalArgumentException("A delete and only a delete has no value: " + kind);
		}
	}

	static BufferedWrite delete(byte[] key) {
		return new BufferedWrite(key, null, Kind.DELETE, true, 0);
	}

	/**
	 * A delete of every key that starts with a prefix. The prefix holds a hash tag, so
	 * the keys it covers share its slot.
	 * @param prefix the prefix
	 * @return the write
	 */
	static BufferedWrite deletePrefix(byte[] prefix) {
		return new BufferedWrite(prefix, null, Kind.DELETE_PREFIX, true, 0);
	}

	static BufferedWrite put(byte[] key, byte[] value, long deadline) {
		return new BufferedWrite(key, value, Kind.PUT, false, deadline);
	}

	static BufferedWrite versionedPut(byte[] key, byte[] value, long deadline) {
		return new BufferedWrite(key, value, Kind.VERSIONED_PUT, false, deadline);
	}

	static BufferedWrite fill(byte[] key, byte[] value, long deadline) {
		return new BufferedWrite(key, value, Kind.FILL, false, deadline);
	}

	/**
	 * The same write, deleting the key first: a put buffered behind a delete.
	 * @return the write with {@link #deleteFirst()} set
	 */
	BufferedWrite afterDelete() {
		return new BufferedWrite(this.key, this.value, this.kind, true, this.deadline);
	}

	/**
	 * The delete that is left of a put that deleted first once the put expired.
	 * @return a delete of the key
	 */
	BufferedWrite withoutPut() {
		return delete(this.key);
	}

	boolean isDelete() {
		return this.kind == Kind.DELETE;
	}

	boolean isFill() {
		return this.kind == Kind.FILL;
	}

	boolean isPrefixDelete() {
		return this.kind == Kind.DELETE_PREFIX;
	}

	/**
	 * Whether this write deletes what another one writes: this is a prefix delete and the
	 * other's key (or prefix) starts with this prefix.
	 * @param other the other write
	 * @return whether this one covers it
	 */
	boolean covers(BufferedWrite other) {
		return isPrefixDelete() && startsWith(other.key, this.key);
	}

	/**
	 * Whether two writes must reach Redis in the order they were held because one is a
	 * prefix delete that covers the other. Two writes of plain keys never overlap (they
	 * are ordered per key by the store's map).
	 * @param other the other write
	 * @return whether they overlap
	 */
	boolean overlaps(BufferedWrite other) {
		return covers(other) || other.covers(this);
	}

	/**
	 * Whether this write is a prefix delete of a prefix the key starts with.
	 * @param key the key
	 * @return whether this write deletes it
	 */
	boolean coversKey(byte[] key) {
		return isPrefixDelete() && startsWith(key, this.key);
	}

	private static boolean startsWith(byte[] key, byte[] prefix) {
		return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
	}

	/**
	 * Whether a put's time to live has run out: it is not worth replaying any more.
	 * @param now the time (epoch milliseconds)
	 * @return whether it expired (never for a delete or a put without a time to live)
	 */
	boolean expiredAt(long now) {
		return this.value != null && this.deadline != 0 && this.deadline <= now;
	}

	/**
	 * The time to live left for a replay, at least 1 ms.
	 * @param now the time (epoch milliseconds)
	 * @return milliseconds, {@code 0} for a put without a time to live
	 */
	long ttlAt(long now) {
		return (this.deadline != 0) ? Math.max(1, this.deadline - now) : 0;
	}

	/**
	 * What the write weighs against the buffer's byte bound.
	 * @return key and value bytes
	 */
	long size() {
		return this.key.length + ((this.value != null) ? this.value.length : 0);
	}

	WriteBufferJournal.JournalRecord record() {
		return new WriteBufferJournal.JournalRecord(this.key, this.value, this.deleteFirst, this.deadline,
				this.kind == Kind.VERSIONED_PUT || this.kind == Kind.FILL, this.kind == Kind.FILL, isPrefixDelete());
	}

	static BufferedWrite of(WriteBufferJournal.JournalRecord record) {
		if (record.prefix()) {
			return deletePrefix(record.key());
		}
		byte[] value = record.value();
		if (value == null) {
			return delete(record.key());
		}
		Kind kind = record.ifAbsent() ? Kind.FILL : record.versioned() ? Kind.VERSIONED_PUT : Kind.PUT;
		return new BufferedWrite(record.key(), value, kind, record.delete(), record.deadline());
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof BufferedWrite write && Arrays.equals(this.key, write.key)
				&& Arrays.equals(this.value, write.value) && this.kind == write.kind
				&& this.deleteFirst == write.deleteFirst && this.deadline == write.deadline;
	}

	@Override
	public int hashCode() {
		return Objects.hash(Arrays.hashCode(this.key), Arrays.hashCode(this.value), this.kind, this.deleteFirst,
				this.deadline);
	}

	@Override
	public String toString() {
		return this.kind + (this.deleteFirst && this.value != null ? " after DELETE" : "") + " of "
				+ new String(this.key, java.nio.charset.StandardCharsets.UTF_8);
	}

	/** How a write is replayed. */
	enum Kind {

		/** {@code DEL}. */
		DELETE,

		/** {@code SET NX PX remaining}: never over a value that may be newer. */
		PUT,

		/**
		 * Set unless the key holds a value at least as new (a {@link VersionedValue}).
		 */
		VERSIONED_PUT,

		/**
		 * Set only where the key holds nothing: what a cache stores after its loader ran.
		 * Never displaces another write and never takes room from one.
		 */
		FILL,

		/**
		 * Delete every key that starts with the write's key, a prefix that holds a hash
		 * tag: one script on the master of its slot ({@code delete_prefix.lua}).
		 */
		DELETE_PREFIX

	}

}
