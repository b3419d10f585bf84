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

import java.util.Optional;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.PartitionSelectorException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * Tells failures that mean "this slot cannot be served now" (a node down or hung, the
 * cluster refusing commands, a slot in migration) from failures of the command itself
 * (wrong type, bad script), which must reach the caller.
 */
public final class RedisOutage {

	/** The reasons Redis itself gives, as the first word of its error. */
	private static final OutageReason[] REFUSALS = { OutageReason.CLUSTERDOWN, OutageReason.TRYAGAIN,
			OutageReason.MASTERDOWN, OutageReason.LOADING, OutageReason.NOREPLICAS };

	private RedisOutage() {
	}

	/**
	 * Why a failure is an outage, if it is one.
	 * @param failure a failure from Redis, Lettuce or Spring Data Redis
	 * @return the reason, or empty if the failure is not an outage
	 */
	public static Optional<OutageReason> reason(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SlotStalledException) {
				return Optional.of(OutageReason.STALLED);
			}
			if (cause instanceof RedisCommandTimeoutException || cause instanceof QueryTimeoutException) {
				return Optional.of(OutageReason.TIMEOUT);
			}
			if (cause instanceof RedisConnectionException || cause instanceof RedisConnectionFailureException
					|| cause instanceof java.io.IOException
					|| cause instanceof java.util.concurrent.CancellationException) {
				// IOException: the socket itself failed (connection reset by a node that
				// died), as async commands report it; Lettuce cancels the commands of a
				// connection it resets.
				return Optional.of(OutageReason.CONNECTION);
			}
			if (cause instanceof PartitionSelectorException) {
				return Optional.of(OutageReason.UNCOVERED);
			}
			if (cause instanceof RedisCommandExecutionException) {
				String message = String.valueOf(cause.getMessage());
				for (OutageReason reason : REFUSALS) {
					if (message.startsWith(reason.name())) {
						return Optional.of(reason);
					}
				}
				return Optional.empty();
			}
			if (cause instanceof RedisException && isDisconnected(String.valueOf(cause.getMessage()))) {
				return Optional.of(OutageReason.CONNECTION);
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether a failure means the slot cannot be served now.
	 * @param failure the failure
	 * @return whether it is an outage
	 */
	public static boolean isOutage(Throwable failure) {
		return reason(failure).isPresent();
	}

	private static boolean isDisconnected(String message) {
		return message.contains("not connected") || message.contains("Connection closed")
				|| message.contains("Connection disconnected") || message.contains("Connection reset")
				|| message.contains("Connection refused") || message.contains("Unable to connect");
	}

}
