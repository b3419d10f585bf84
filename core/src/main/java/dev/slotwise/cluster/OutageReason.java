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

import java.util.Locale;

/**
 * Why a slot cannot be served now. A closed set, so that it can tag a metric and key a
 * log without growing with every message Redis or Lettuce may write.
 */
public enum OutageReason {

	/**
	 * The cluster refuses commands ({@code CLUSTERDOWN}): slots uncovered or a failover
	 * under way.
	 */
	CLUSTERDOWN,

	/** A multi-key command met a slot in migration ({@code TRYAGAIN}). */
	TRYAGAIN,

	/** A replica lost its master ({@code MASTERDOWN}). */
	MASTERDOWN,

	/** The node is loading its data set ({@code LOADING}). */
	LOADING,

	/** {@code min-replicas-to-write} refused a write ({@code NOREPLICAS}). */
	NOREPLICAS,

	/** No answer within the timeout: a hung or overloaded node. */
	TIMEOUT,

	/**
	 * The master has answered nothing for far longer than it usually takes while calls
	 * waited for it ({@link StallDetection}): hung or paused, seen before any timeout.
	 */
	STALLED,

	/** The connection failed, was refused, reset or closed. */
	CONNECTION,

	/** The client knows no node that serves the slot. */
	UNCOVERED;

	/**
	 * The reason as a metric tag or log word.
	 * @return the lower-case name, for example {@code clusterdown}
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return tag();
	}

}
