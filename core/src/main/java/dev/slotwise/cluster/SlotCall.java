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
package dev.slotwise.cluster;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What became of a call for a slot run through {@link SlotGuard#call}: Redis answered,
 * the slot was failing so the call was not made, the call met an outage, or Redis refused
 * the command itself.
 *
 * @param <T> the type of the answer
 */
public final class SlotCall<T> {

	private static final SlotCall<?> FAILED_FAST = new SlotCall<>(Kind.FAILED_FAST, null, null, null);

	private final Kind kind;

	private final @Nullable T value;

	private final @Nullable OutageReason reason;

	private final @Nullable RuntimeException error;

	private SlotCall(Kind kind, @Nullable T value, @Nullable OutageReason reason, @Nullable RuntimeException error) {
		this.kind = kind;
		this.value = value;
		this.reason = reason;
		this.error = error;
	}

	static <T> SlotCall<T> answered(@Nullable T value) {
		return new SlotCall<>(Kind.ANSWERED, value, null, null);
	}

	@SuppressWarnings("unchecked")
	static <T> SlotCall<T> failedFast() {
		return (SlotCall<T>) FAILED_FAST;
	}

	static <T> SlotCall<T> outage(OutageReason reason, RuntimeException error) {
		return new SlotCall<>(Kind.OUTAGE, null, reason, error);
	}

	static <T> SlotCall<T> refused(RuntimeException error) {
		return new SlotCall<>(Kind.REFUSED, null, null, error);
	}

	/**
	 * What became of the call.
	 * @return the kind of outcome
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Whether Redis answered.
	 * @return whether {@link #value()} holds the answer
	 */
	public boolean answered() {
		return this.kind == Kind.ANSWERED;
	}

	/**
	 * Whether the slot could not be served: failed fast or met an outage. The caller
	 * degrades (answers from elsewhere, buffers, decides by its failure mode).
	 * @return whether the slot is unavailable
	 */
	public boolean unavailable() {
		return this.kind == Kind.FAILED_FAST || this.kind == Kind.OUTAGE;
	}

	/**
	 * Redis's answer.
	 * @return the answer, {@code null} if Redis answered with none or did not answer
	 */
	public @Nullable T value() {
		return this.value;
	}

	/**
	 * Why the slot could not be served, for an outage.
	 * @return the reason, or {@code null} for other outcomes
	 */
	public @Nullable OutageReason reason() {
		return this.reason;
	}

	/**
	 * The failure, for an outage or a refused command.
	 * @return the failure, or {@code null} for other outcomes
	 */
	public @Nullable RuntimeException error() {
		return this.error;
	}

	/**
	 * Rethrow a refused command's error, for callers that pass command errors on.
	 * @return this call, if it was not refused
	 */
	public SlotCall<T> throwIfRefused() {
		if (this.kind == Kind.REFUSED) {
			throw Objects.requireNonNull(this.error);
		}
		return this;
	}

	@Override
	public String toString() {
		return (this.kind == Kind.OUTAGE) ? "OUTAGE (" + this.reason + ")" : this.kind.name();
	}

	/**
	 * The outcomes of a call for a slot.
	 */
	public enum Kind {

		/** Redis answered. */
		ANSWERED,

		/** The slot was marked failing: nothing was sent. */
		FAILED_FAST,

		/** The call met an outage; the slot is now marked failing. */
		OUTAGE,

		/** Redis refused the command itself (wrong type, bad script): not an outage. */
		REFUSED

	}

}
