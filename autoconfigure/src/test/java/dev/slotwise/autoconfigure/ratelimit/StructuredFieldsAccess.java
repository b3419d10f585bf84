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

package dev.slotwise.autoconfigure.ratelimit;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The draft's fields, parsed strictly, for tests in other packages.
 */
public final class StructuredFieldsAccess {

	private StructuredFieldsAccess() {
	}

	/**
	 * Parse a rate-limit field as a structured-field List and return the parameters of
	 * its one member, which must be the String naming the limit.
	 * @param field the field's value
	 * @param limitName the limit
	 * @return the member's parameters, in order
	 */
	public static Map<String, Object> parameters(String field, String limitName) {
		assertThat(field).as("the field").isNotNull();
		List<StructuredFields.Item> members = StructuredFields.parseList(field);
		assertThat(members).hasSize(1);
		assertThat(members.get(0).value()).as("the policy's name, a String").isEqualTo(limitName);
		return members.get(0).parameters();
	}

}
