# GSYM_VERSION: `git describe` of the source tree ("v1.2.0-3-gabcdef0"
# gives "1.2.0-3-gabcdef0"; without a tag, the project version and the
# commit: "0.1.0-gabcdef0"), or the project version outside git. Set
# -DGSYM_VERSION=... to override. The build configures again when HEAD
# moves.
if(NOT GSYM_VERSION)
	set(GSYM_VERSION ${PROJECT_VERSION})
	find_package(Git QUIET)
	if(GIT_FOUND)
		execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse
				--show-toplevel --absolute-git-dir
			WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
			OUTPUT_VARIABLE rev ERROR_QUIET
			RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
		string(REPLACE "\n" ";" rev "${rev}")
		list(LENGTH rev n)
		if(rc EQUAL 0 AND n EQUAL 2)
			list(GET rev 0 top)
			list(GET rev 1 gitdir)
			get_filename_component(top "${top}" REALPATH)
			get_filename_component(src "${PROJECT_SOURCE_DIR}"
				REALPATH)
		endif()
		# only this project's own repository, not one it sits in
		if(top AND top STREQUAL src)
			execute_process(COMMAND ${GIT_EXECUTABLE} describe
					--tags --match "v[0-9]*" --dirty
				WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
				OUTPUT_VARIABLE desc ERROR_QUIET
				RESULT_VARIABLE rc
				OUTPUT_STRIP_TRAILING_WHITESPACE)
			if(rc EQUAL 0 AND desc MATCHES "^v([0-9].*)$")
				set(GSYM_VERSION ${CMAKE_MATCH_1})
			else()
				execute_process(COMMAND ${GIT_EXECUTABLE}
						describe --always --dirty
					WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
					OUTPUT_VARIABLE desc ERROR_QUIET
					RESULT_VARIABLE rc
					OUTPUT_STRIP_TRAILING_WHITESPACE)
				if(rc EQUAL 0 AND desc)
					set(GSYM_VERSION
						"${PROJECT_VERSION}-g${desc}")
				endif()
			endif()
			if(EXISTS "${gitdir}/logs/HEAD")
				set_property(DIRECTORY APPEND PROPERTY
					CMAKE_CONFIGURE_DEPENDS
					"${gitdir}/logs/HEAD")
			endif()
		endif()
	endif()
	unset(top)
endif()
message(STATUS "git-symlinks version ${GSYM_VERSION}")
# for the sources that print it (rewritten only when it changes, so a
# new commit rebuilds two files, not all), and for scripts/package.sh
file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/include/gsym_version.h"
	CONTENT "#define GSYM_VERSION \"${GSYM_VERSION}\"\n")
file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/version.txt"
	CONTENT "${GSYM_VERSION}\n")
