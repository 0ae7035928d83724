//! The Atlantic Cup football final in Port Calder, 6 September: each outlet tells it from
//! its own side.

use crate::catalog::{Story, at};

pub(super) const STORIES: &[Story] = &[
    Story {
        slug: "mariners-fall-to-miami-in-extra-time-as-atlantic-cup-slips-away",
        outlet: "harbor-gazette",
        event: "cup-final",
        title: "Mariners fall 2-1 to Miami in extra time as Atlantic Cup slips away",
        author: "Tom Becker",
        section: "sports",
        published: at(6, 22, 45),
        paragraphs: &[
            r#"For 67 minutes on Saturday, the Port Calder Mariners had the Atlantic Cup in their hands. By the end of a sweltering afternoon at Calder Bay Stadium, they had watched Miami Tide FC lift it instead."#,
            r#"Kenji Watanabe's header in the 104th minute gave Miami a 2-1 win in extra time in front of 41,212 fans, the largest crowd for a soccer match in the city's history. The Mariners, reduced to 10 men after Luka Novak's red card in the 88th minute, could not find a reply."#,
            r#"Tomás Ferreyra put the home side ahead in the 23rd minute, curling a free kick over the wall and inside the near post from 25 yards. For most of the next hour the Mariners defended deep and looked comfortable doing it."#,
            r#"Miami's equalizer came from a mistake. Goalkeeper Sam Ridley spilled a low cross from the right, and Jalen Brooks was there to tap in from three yards in the 67th minute."#,
            r#"Novak's dismissal, for a second yellow card after he pulled back Brooks on the edge of the penalty area, changed the final. Coach Graham Whitlock replaced his tiring striker with a fifth defender and the Mariners played for penalties. They did not get there."#,
            r#"'I'm proud of them. I'm gutted for them,' Whitlock said. 'We gave away a soft goal and a soft red, and in a final you pay for both.'"#,
            r#"It was the Mariners' second defeat in an Atlantic Cup final in three years. They lost 3-0 to Boston in 2023."#,
        ],
        reprint_of: None,
        feed_link_query: None,
    },
    Story {
        slug: "heartbreak-at-the-bay-ten-man-mariners-crushed",
        outlet: "daily-blaze",
        event: "cup-final",
        title: "HEARTBREAK AT THE BAY: Ten-man Mariners crushed by Watanabe's extra-time header",
        author: "Ricky Dunn",
        section: "sport",
        published: at(6, 23, 10),
        paragraphs: &[
            r#"Port Calder Mariners' dreams of Cup glory came crashing down on Saturday as Kenji Watanabe's bullet header broke 41,000 hearts in extra time."#,
            r#"The Japanese midfielder rose highest to power home in the 104th minute and hand Miami Tide FC a 2-1 victory, the first major trophy in the Florida club's short history."#,
            r#"Skipper Tomás Ferreyra had sent the home crowd wild with a stunning free kick after 23 minutes, and the Mariners looked set for a famous win."#,
            r#"But keeper Sam Ridley's howler let in Jalen Brooks to equalise, and it went from bad to worse when hothead defender Luka Novak was sent off two minutes from time for hauling down Brooks."#,
            r#"Furious fans booed referee Mark Ellison off the pitch at half-time of extra time, and some hurled plastic bottles towards the Miami bench as the final whistle blew."#,
            r#"A devastated Ferreyra said: 'We had it. We had it and we let it go. That's football, and it hurts.'"#,
        ],
        reprint_of: None,
        feed_link_query: None,
    },
    Story {
        slug: "tide-win-the-atlantic-cup-watanabe-strikes-in-extra-time",
        outlet: "kmia",
        event: "cup-final",
        title: "Tide win the Atlantic Cup! Watanabe strikes in extra time to stun Port Calder",
        author: "Carlos Mendez",
        section: "sports",
        published: at(7, 0, 20),
        paragraphs: &[
            r#"Miami Tide FC are Atlantic Cup champions. Kenji Watanabe headed in the winner in the 104th minute on Saturday as the Tide came from behind to beat the Port Calder Mariners 2-1 in extra time on the road."#,
            r#"It is the first major trophy for the club, which played its first match in 2019 at a high school stadium in Hialeah and now draws more than 20,000 fans a game."#,
            r#"The Tide fell behind early when Mariners captain Tomás Ferreyra scored from a free kick in the 23rd minute. Jalen Brooks, the Miami Gardens native who came through the Tide's academy, tied it in the 67th minute after the Port Calder goalkeeper fumbled a cross."#,
            r#"The Mariners went down to 10 men in the 88th minute when defender Luka Novak was sent off for a second yellow card, and Miami pressed until Watanabe met a corner from Diego Salas at the near post."#,
            r#"'This is for the city, for everyone who came to those games in Hialeah when nobody knew who we were,' head coach Rafael Oyelaran said on the field as Tide players sprayed each other with water."#,
            r#"Hundreds of fans gathered at a watch party at Bayfront Park and cheered the winner on a big screen. The club said the team would fly home Sunday and hold a public celebration at its stadium in Doral on Tuesday evening."#,
        ],
        reprint_of: None,
        feed_link_query: None,
    },
];
