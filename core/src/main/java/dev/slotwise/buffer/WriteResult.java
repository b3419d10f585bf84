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

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What became of a write given to the {@link WriteBuffer}.
 *
 * @param status whether it is in Redis, held for replay, or not accepted
 * @param reason why it was not accepted; {@code null} unless {@link Status#REJECTED}
 */
public record WriteResult(Status status, @Nullable RejectReason reason) {

	/** The write is in Redis now. */
	public static final WriteResult WRITTEN = new WriteResult(Status.WRITTEN, null);

	/** The write was accepted and will be replayed when its slot is healthy. */
	public static final WriteResult BUFFERED = new WriteResult(Status.BUFFERED, null);

	/**
	 * Create a result.
	 * @param status the status
	 * @param reason the reason, required for {@link Status#REJECTED} only
	 */
	public WriteResult {
		Objects.requireNonNull(status, "status must not be null");
		if ((status == Status.REJECTED) != (reason != null)) {
			throw new IllegalArgumentException(
					"A reason goes with REJECTED and only with it: " + status + ", " + reason);
		}
	}

	/**
	 * A write that was not accepted.
	 * @param reason why
	 * @return the result
	 */
	public static WriteResult rejected(RejectReason reason) {
		return new WriteResult(Status.REJECTED, reason);
	}

	/**
	 * Whether the write is in Redis or will be (written or buffered).
	 * @return whether the write was acknowledged
	 */
	public boolean acknowledged() {
		return this.status != Status.REJECTED;
	}

	/**
	 * The three outcomes of a write.
	 */
	public enum Status {

		/** In Redis now. */
		WRITTEN,

		/** Accepted; will be replayed. */
		BUFFERED,

		/** Not accepted; see the reason. */
		REJECTED

	}

	/**
	 * Why a write was not accepted, or why a buffered write was dropped.
	 */
	public enum RejectReason {

		/** The buffer was full and its overflow policy rejects new writes. */
		OVERFLOW,

		/** The write's time to live had already run out. */
		EXPIRED,

		/**
		 * Redis refused the command itself (not an outage): wrong type, out of memory.
		 */
		REFUSED,

		/** The buffer is shut down. */
		CLOSED,

		/**
		 * A replayed put found its key holding a value it cannot order against: a plain
		 * {@code SET ... NX} does not overwrite an existing value (it may be newer), and
		 * a versioned put does not overwrite a value Slotwise did not write. The existing
		 * value is kept and the buffered write is reported as not delivered.
		 */
		KEY_EXISTS

	}

}
