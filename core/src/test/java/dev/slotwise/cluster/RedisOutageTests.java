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

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests for {@link RedisOutage}.
 */
class RedisOutageTests {

	@Test
	void outagesAreRecognisedThroughSpringsWrappers() {
		assertThat(RedisOutage.reason(wrapped(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"))))
			.hasValue(OutageReason.CLUSTERDOWN);
		assertThat(RedisOutage.reason(wrapped(new RedisCommandExecutionException("TRYAGAIN Multiple keys request"))))
			.hasValue(OutageReason.TRYAGAIN);
		assertThat(RedisOutage
			.reason(wrapped(new RedisCommandExecutionException("NOREPLICAS Not enough good replicas to write."))))
			.as("min-replicas-to-write refusing a master cut off from its replica")
			.hasValue(OutageReason.NOREPLICAS);
		assertThat(RedisOutage.reason(new QueryTimeoutException("timeout"))).hasValue(OutageReason.TIMEOUT);
		assertThat(RedisOutage.reason(wrapped(new RedisCommandTimeoutException("timed out"))))
			.hasValue(OutageReason.TIMEOUT);
		assertThat(RedisOutage.reason(wrapped(new RedisConnectionException("refused"))))
			.hasValue(OutageReason.CONNECTION);
		assertThat(RedisOutage.reason(wrapped(new RedisException("Connection disconnected"))))
			.hasValue(OutageReason.CONNECTION);
		assertThat(RedisOutage.reason(wrapped(new RedisException("Currently not connected. Commands are rejected."))))
			.hasValue(OutageReason.CONNECTION);
		assertThat(
				RedisOutage.reason(new RedisSystemException("GET failed", new java.io.IOException("Connection reset"))))
			.as("a socket failure reported by an async command")
			.hasValue(OutageReason.CONNECTION);
		assertThat(RedisOutage.reason(new java.util.concurrent.CancellationException()))
			.as("a command Lettuce cancelled when it reset the connection")
			.hasValue(OutageReason.CONNECTION);
	}

	@Test
	void commandErrorsAreNotOutages() {
		assertThat(RedisOutage.isOutage(wrapped(new RedisCommandExecutionException(
				"WRONGTYPE Operation against a key holding the wrong kind of value"))))
			.isFalse();
		assertThat(RedisOutage.isOutage(new IllegalArgumentException("bad"))).isFalse();
	}

	private static RuntimeException wrapped(RuntimeException cause) {
		return new RedisSystemException("Redis exception", cause);
	}

}
